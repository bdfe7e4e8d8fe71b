import { type Context, createKey, type Key } from '@paste/core'
import type { Session } from './session.js'
import type { SessionData } from './store.js'

/** What the session middleware puts into the context: a lazy loader for this request's session. */
export interface SessionHandle {
  /** Loads the session on first call (later calls return the same object). */
  load(): Promise<Session>
  /** Whether the request carried a session cookie (a request without one has no stored session). */
  readonly hasCookie: boolean
}

/**
 * The context slot holding this request's {@link SessionHandle}. Most code calls
 * {@link getSession} instead.
 *
 * @example
 * if (context.has(sessionKey)) { const s = await context.require(sessionKey).load() }
 */
export const sessionKey: Key<SessionHandle> = createKey<SessionHandle>('@paste/session')

/**
 * This request's session, loaded from the store on the first call and cached for the
 * request. Rejects with a {@link SessionUnavailableError} (503) if the store fails.
 *
 * @example
 * const session = await getSession<{ user?: string }>(context)
 * const user = session.get('user')
 */
export function getSession<Data extends SessionData = SessionData>(
  context: Context,
): Promise<Session<Data>> {
  return context.require(sessionKey).load() as unknown as Promise<Session<Data>>
}
