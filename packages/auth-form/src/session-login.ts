/*
 * Remembering the user in a server-side session: a LoginManager on top of the session
 * contract (`getSession(context)` of @paste/session, or anything with the same shape).
 */
import {
  type Context,
  type LoginDetails,
  type LoginManager,
  loginKey,
  type Middleware,
} from '@paste/core'

/** The part of a session this adapter uses (the `@paste/session` contract). */
export interface SessionLike {
  get(key: string): unknown
  set(key: string, value: unknown): void
  delete(key: string): void
  /** Gives the session a new id, keeping its data (against session fixation). */
  regenerate(): Promise<void>
  /** Ends the session. */
  destroy(): Promise<void>
}

/** Options for {@link sessionLogin}. */
export interface SessionLoginOptions {
  /** This request's session: pass `getSession` from `@paste/session`. Required. */
  getSession: (context: Context) => Promise<SessionLike>
  /** The session key holding `{ user, tokens?, userData?, at }`. @default 'paste.auth.login' */
  key?: string
  /** `context.authType` for a user restored from the session. @default 'session' */
  authType?: string
}

interface Stored extends LoginDetails {
  user: string
  at: number
}

const isStored = (value: unknown): value is Stored =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Stored).user === 'string' &&
  (value as Stored).user !== ''

/**
 * Offers a `LoginManager` under core's `loginKey` that keeps the user in the session
 * (login regenerates the session id; logout destroys the session), and restores
 * `context.remoteUser` from the session on later requests. Install it inside the session
 * middleware and above `authForm`. Requests without a Cookie header never load a session.
 *
 * @example
 * import { getSession, session } from '@paste/session'
 * const site = pipe(app, session({ store }), sessionLogin({ getSession }), authForm({ check, secret }))
 */
export function sessionLogin(options: SessionLoginOptions): Middleware {
  if (typeof options?.getSession !== 'function')
    throw new TypeError('@paste/auth-form: sessionLogin getSession must be a function')
  const key = options.key ?? 'paste.auth.login'
  const authType = options.authType ?? 'session'
  if (typeof key !== 'string' || key === '')
    throw new TypeError('@paste/auth-form: sessionLogin key must be a non-empty string')
  const getSession = options.getSession
  return (app) =>
    async function sessionLogin(request, context) {
      let inner = context
      // only a request with cookies can have a session worth loading
      if (request.headers.has('cookie')) {
        const stored = (await getSession(context)).get(key)
        if (isStored(stored)) inner = context.derive({ remoteUser: stored.user, authType })
      }
      const manager: LoginManager = {
        async login(user, details) {
          if (typeof user !== 'string' || user === '')
            throw new TypeError('@paste/auth-form: login needs a user name')
          const session = await getSession(context)
          await session.regenerate()
          const record: Stored = { user, at: Date.now() }
          if (details?.tokens) record.tokens = [...details.tokens]
          if (details?.userData !== undefined) record.userData = details.userData
          session.set(key, record)
        },
        async logout() {
          await (await getSession(context)).destroy()
        },
      }
      return app(request, inner.with(loginKey, manager))
    }
}
