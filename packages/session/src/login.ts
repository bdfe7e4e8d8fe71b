import { type LoginDetails, type LoginManager, loginKey, type Middleware } from '@paste/core'
import { sessionKey } from './key.js'

/** Options for {@link sessionLogin}. */
export interface SessionLoginOptions {
  /** The session key holding the login record `{ user, tokens?, userData?, at }`. @default 'login' */
  key?: string
  /** `context.authType` for a user found in the session. @default 'session' */
  authType?: string
}

/** What {@link sessionLogin} keeps in the session. */
export interface SessionLoginRecord extends LoginDetails {
  user: string
  /** When the user logged in (epoch ms). */
  at: number
}

function isLoginRecord(value: unknown): value is SessionLoginRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { user?: unknown }).user === 'string' &&
    (value as { user: string }).user !== ''
  )
}

/**
 * Remembers the logged-in user in the session: offers a `LoginManager` under core's
 * `loginKey` (login regenerates the session id, against session fixation; logout destroys
 * the session), and sets `context.remoteUser` for the apps below when the session names a
 * user. Install it inside {@link session}. Requests without a session cookie never touch the
 * store.
 *
 * @example
 * const site = pipe(app, session({ store }), sessionLogin())
 * // a login page:
 * await context.require(loginKey).login('alice')
 */
export function sessionLogin(options: SessionLoginOptions = {}): Middleware {
  const key = options.key ?? 'login'
  const authType = options.authType ?? 'session'
  if (typeof key !== 'string' || key === '')
    throw new TypeError('@paste/session: sessionLogin key must be a non-empty string')
  return (app) =>
    async function sessionLogin(request, context) {
      const handle = context.require(sessionKey)
      let inner = context
      // only a request carrying a session cookie can be logged in
      if (handle.hasCookie) {
        const record = (await handle.load()).get(key)
        if (isLoginRecord(record)) inner = context.derive({ remoteUser: record.user, authType })
      }
      const manager: LoginManager = {
        async login(user, details) {
          if (typeof user !== 'string' || user === '')
            throw new TypeError('@paste/session: login needs a user name')
          const session = await handle.load()
          await session.regenerate()
          const record: SessionLoginRecord = { user, at: Date.now() }
          if (details?.tokens) record.tokens = [...details.tokens]
          if (details?.userData !== undefined) record.userData = details.userData
          session.set(key, record)
        },
        async logout() {
          await (await handle.load()).destroy()
        },
      }
      return app(request, inner.with(loginKey, manager))
    }
}
