import { type App, type Context, type Middleware, timingSafeEqual } from '@paste/core'
import { parseBasicAuthorization } from './parse.js'

/** Re-exported from `@paste/core`, where every package finds it. */
export { timingSafeEqual } from '@paste/core'
export { type BasicCredentials, parseBasicAuthorization } from './parse.js'

/** Decides whether a user/password pair is valid; may be async (a database lookup). */
export type BasicCheck = (
  user: string,
  password: string,
  request: Request,
  context: Context,
) => boolean | Promise<boolean>

/** Options for {@link authBasic}. */
export interface AuthBasicOptions {
  /** The protection space shown to the user (RFC 7617 section 2). Required. */
  realm: string
  /**
   * Checks a user/password pair. Compare secrets with {@link timingSafeEqual} (or a password
   * hash's own verify function), never with `===`. Give `check` or `users`.
   */
  check?: BasicCheck
  /** A fixed table of users and passwords, compared in constant time. @default undefined */
  users?: Readonly<Record<string, string>>
  /** Advertise `charset="UTF-8"` in the challenge (RFC 7617 section 2.1). @default true */
  charset?: boolean
  /** The `authType` put into the context for the app below. @default 'basic' */
  authType?: string
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 section 5.6.4)
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`
}

function resolveCheck(options: AuthBasicOptions): BasicCheck {
  if (options.check && options.users)
    throw new TypeError('@paste/auth-basic: give either check or users, not both')
  if (options.check) {
    if (typeof options.check !== 'function')
      throw new TypeError('@paste/auth-basic: check must be a function')
    return options.check
  }
  if (!options.users) throw new TypeError('@paste/auth-basic: check or users is required')
  const users = new Map(Object.entries(options.users))
  return (user, password) => {
    const expected = users.get(user)
    // Compare against something even for unknown users so both paths cost the same.
    const ok = timingSafeEqual(password, expected ?? `\u0000${password}`)
    return ok && expected !== undefined
  }
}

/**
 * HTTP Basic authentication (RFC 7617). Requests without valid credentials get a 401 with a
 * `WWW-Authenticate: Basic` challenge; malformed headers are 401s too, never 500s. On
 * success the app below sees `context.remoteUser` and `context.authType === 'basic'`.
 *
 * @example
 * const site = pipe(app, authBasic({ realm: 'admin', users: { alice: process.env.ALICE_PW! } }))
 */
export function authBasic(options: AuthBasicOptions): Middleware {
  if (
    typeof options?.realm !== 'string' ||
    options.realm === '' ||
    /[\u0000-\u001f\u007f]/.test(options.realm)
  )
    throw new TypeError(
      '@paste/auth-basic: realm must be a non-empty string without control characters',
    )
  const check = resolveCheck(options)
  const authType = options.authType ?? 'basic'
  const challenge = `Basic realm=${quote(options.realm)}${options.charset === false ? '' : ', charset="UTF-8"'}`
  const unauthorized = (): Response =>
    new Response('Unauthorized: valid credentials are required.\n', {
      status: 401,
      headers: {
        'www-authenticate': challenge,
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
      },
    })

  return (app: App) =>
    async function authBasic(request, context) {
      // Someone above already authenticated the user (Paste's REMOTE_USER pass-through).
      if (context.remoteUser) return app(request, context)
      const header = request.headers.get('authorization')
      // No credentials: challenge (RFC 9110 section 11.6.1).
      if (header === null) return unauthorized()
      const credentials = parseBasicAuthorization(header)
      // Another scheme or a malformed value: a 401, never a 500.
      if (!credentials) {
        context.logger.debug('auth-basic: malformed or non-Basic Authorization header')
        return unauthorized()
      }
      const ok = await check(credentials.user, credentials.password, request, context)
      // Wrong credentials: challenge again; the password is never logged.
      if (ok !== true) {
        context.logger.info('auth-basic: rejected credentials', { user: credentials.user })
        return unauthorized()
      }
      return app(request, context.derive({ remoteUser: credentials.user, authType }))
    }
}
