import {
  type App,
  type Context,
  createKey,
  isHttpError,
  type Key,
  type LoginDetails,
  type LoginManager,
  loginKey,
  type Middleware,
} from '@paste/core'
import { parseCookies } from '@paste/request'
import { deleteCookie, mutableResponse, setCookie } from '@paste/response'
import { type AuthCookieOptions, resolve } from './options.js'
import {
  type CookieContent,
  encodePayload,
  type HmacKey,
  signCookie,
  verifyCookie,
} from './signer.js'

export type { AuthCookieOptions } from './options.js'
export {
  type CookieContent,
  encodePayload,
  importKeys,
  signCookie,
  verifyCookie,
} from './signer.js'

/** What the app below learns about a cookie-authenticated user. */
export type AuthCookieInfo = CookieContent

/**
 * Where {@link authCookie} puts what the cookie carries (tokens, user data, values).
 *
 * @example
 * const sessionId = context.get(authCookieKey)?.values.session
 */
export const authCookieKey: Key<AuthCookieInfo> = createKey<AuthCookieInfo>('@paste/auth-cookie')

/** `login()` details: core's, plus named values to carry in the cookie. */
export interface AuthCookieLoginDetails extends LoginDetails {
  /** Further values to remember (Paste's scanlist entries, such as a session id). */
  values?: Readonly<Record<string, string>>
}

type Pending = { content: CookieContent } | 'logout' | undefined

/**
 * Signed-cookie authentication (Paste's `auth.cookie`): remembers a signed-in user, their
 * tokens, user data and chosen values in an HMAC-SHA-256 signed cookie with a server-side
 * timeout. A login page signs users in and out through core's `loginKey`. A tampered,
 * truncated, extended or expired cookie leaves the request anonymous, never a 500.
 *
 * @example
 * const site = pipe(app, authCookie({ secrets: [process.env.COOKIE_KEY!] }))
 * // in the login page: await context.require(loginKey).login('alice', { values: { session: id } })
 */
export function authCookie(options: AuthCookieOptions = {}): Middleware {
  const config = resolve(options)
  const now = () => Math.floor(Date.now() / 1000)

  /** Reads the cookie: the context for the app below, and any cookie change it calls for. */
  async function authenticate(request: Request, context: Context, keys: HmacKey[]) {
    const raw = parseCookies(request.headers.get('cookie')).get(config.cookieName)
    // Oversized values are not even verified (a DoS guard).
    const found =
      raw && raw.length + config.cookieName.length < config.maxLength
        ? await verifyCookie(keys, config.cookieName, raw)
        : undefined
    // No cookie, or one that is not ours: anonymous.
    if (!found) {
      if (raw) context.logger.debug('auth-cookie: ignoring an invalid cookie')
      return { inner: context, pending: undefined }
    }
    const { content, keyIndex } = found
    // Expired on the server's clock: anonymous, and the cookie is deleted.
    if (content.expires <= now()) return { inner: context, pending: 'logout' as const }
    const inner = context
      .derive({ remoteUser: content.user, authType: config.authType })
      .with(authCookieKey, content)
    // Slide the timeout, or re-sign with the newest key.
    const renew = keyIndex > 0 || content.expires - now() < config.refresh * config.timeout
    return {
      inner,
      pending: renew ? { content: { ...content, expires: now() + config.timeout } } : undefined,
    }
  }

  return (app: App) =>
    async function authCookie(request, context) {
      const keys = await config.keys
      const secure = config.secure === 'auto' ? context.scheme === 'https' : config.secure
      const cookieOptions = { ...config.cookie, secure }
      let { inner, pending }: { inner: Context; pending: Pending } = await authenticate(
        request,
        context,
        keys,
      )
      // The size is checked at login, so a too-large cookie fails in the login page, not later.
      const manager: LoginManager & {
        login(user: string, details?: AuthCookieLoginDetails): void
      } = {
        login(user, details: AuthCookieLoginDetails = {}) {
          if (typeof user !== 'string' || user === '')
            throw new TypeError('@paste/auth-cookie: login needs a non-empty user')
          const { tokens = [], userData = '', values = {} } = details
          const content = {
            user,
            tokens,
            userData,
            values: { ...values },
            expires: now() + config.timeout,
          }
          if (config.cookieName.length + 4 + encodePayload(content).length + 44 > config.maxLength)
            throw new RangeError(
              `@paste/auth-cookie: the signed cookie would exceed maxLength (${config.maxLength})`,
            )
          pending = { content }
        },
        logout() {
          pending = 'logout'
        },
      }
      let response: Response
      try {
        response = await app(request, inner.with(loginKey, manager))
      } catch (error) {
        // A login page that throws a redirect still gets its cookie.
        if (!isHttpError(error) || pending === undefined) throw error
        response = error.toResponse(request, inner)
      }
      // Nothing to change: the response as the app made it.
      if (pending === undefined) return response
      if (pending === 'logout')
        return deleteCookie(mutableResponse(response), config.cookieName, cookieOptions)
      const value = await signCookie(keys, config.cookieName, pending.content)
      return setCookie(mutableResponse(response), config.cookieName, value, cookieOptions)
    }
}
