import { isHttpError, type Middleware } from '@paste/core'
import { parseCookies } from '@paste/request'
import { RequestSession } from './handle.js'
import { sessionKey } from './key.js'
import { memoryStore } from './memory.js'
import { resolveOptions, type SessionOptions } from './options.js'
import { commit } from './save.js'

export { SessionUnavailableError, StoreTimeoutError } from './errors.js'
export { createSessionId, isValidSessionId, SESSION_ID_PATTERN } from './id.js'
export { getSession, type SessionHandle, sessionKey } from './key.js'
export { type SessionLoginOptions, type SessionLoginRecord, sessionLogin } from './login.js'
export { type MemoryStore, type MemoryStoreOptions, memoryStore } from './memory.js'
export type { SessionCookieOptions, SessionOptions } from './options.js'
export { SessionConflictError } from './save.js'
export type { Session } from './session.js'
export type {
  SessionData,
  SessionRecord,
  SessionStore,
  StoreSetOptions,
  StoreTouchOptions,
} from './store.js'

/**
 * Server-side sessions: a cookie carries a random id, the data lives in a store. The session
 * is loaded lazily (requests that never call {@link getSession} never reach the store),
 * saved after the app returns only if it changed (or for rolling expiry), and the cookie is
 * sent only when needed. A store failure answers 503 (no Set-Cookie), never a 200 that lost
 * data.
 *
 * @example
 * const site = pipe(app, session({ store: memoryStore(), cookie: { name: '__Host-sid' } }))
 * // in the app:
 * const s = await getSession(context)
 * s.set('visits', ((s.get('visits') as number) ?? 0) + 1)
 */
export function session(options: SessionOptions = {}): Middleware {
  const resolved = resolveOptions(options)
  const store = resolved.store ?? memoryStore()
  return (app) =>
    async function session(request, context) {
      const cookie = parseCookies(request.headers.get('cookie')).get(resolved.cookie.name)
      const handle = new RequestSession(cookie, resolved, store, context)
      let response: Response
      try {
        response = await app(request, context.with(sessionKey, handle))
      } catch (error) {
        // an HTTP error (a redirect after login, a 403...) still saves the session
        if (!isHttpError(error)) throw error
        response = error.toResponse(request, context)
      }
      return commit(handle, response, resolved, context)
    }
}
