import type { Context } from '@paste/core'
import {
  type CookieOptions,
  deleteCookie,
  mutableResponse,
  serializeCookie,
  setCookie,
} from '@paste/response'
import { failureResponse, SessionUnavailableError } from './errors.js'
import type { RequestSession } from './handle.js'
import { isValidSessionId } from './id.js'
import type { Resolved } from './options.js'
import { applyChanges, type Changes, type SessionObject } from './session.js'
import type { SessionData } from './store.js'

/**
 * Thrown inside a save when concurrent writers won every attempt (or `concurrency: 'reject'`);
 * the middleware logs it and answers with `failureStatus`.
 *
 * @example
 * logger.error('save failed', { conflict: error instanceof SessionConflictError })
 */
export class SessionConflictError extends Error {
  override readonly name = 'SessionConflictError'
}

type Outcome = 'cookie' | 'clear-cookie' | 'none'

/**
 * The save step, run after the app returned and before the response goes out: writes what
 * changed (compare-and-set, merging on conflict), touches for rolling expiry, and sets or
 * clears the cookie. A failed save turns the response into a 503/500 (never a 200 that lost
 * data) and is logged.
 */
export async function commit(
  handle: RequestSession,
  response: Response,
  options: Resolved,
  context: Context,
): Promise<Response> {
  // the app never asked for the session: no store access, no cookie
  if (!handle.started) return response
  const session = await handle.settled()
  // loading failed: the app got a 503 error; never write, never set a cookie
  if (!session || handle.failed) return response
  let outcome: Outcome
  try {
    outcome = await save(handle, session, options)
  } catch (error) {
    if (!(error instanceof SessionUnavailableError))
      context.logger.error('@paste/session: save failed', { error })
    await response.body?.cancel().catch(() => {})
    return failureResponse(options.failureStatus)
  }
  if (outcome === 'none') return response
  const out = mutableResponse(response)
  const c = options.cookie
  const secure = c.secure === 'auto' ? context.scheme === 'https' : c.secure
  const attributes = {
    path: c.path,
    secure,
    httpOnly: c.httpOnly,
    sameSite: c.sameSite,
    ...(c.domain !== undefined ? { domain: c.domain } : {}),
    ...(c.partitioned ? { partitioned: true } : {}),
  }
  if (outcome === 'clear-cookie') {
    deleteCookie(out.headers, c.name, attributes)
    return out
  }
  const life = lifetime(session, options)
  const persistent = c.persistent
    ? { maxAge: Math.floor(life / 1000), expires: new Date(options.now() + life) }
    : {}
  const cookie = { ...attributes, ...persistent }
  // the usual response has no Set-Cookie yet: nothing to replace, append the line directly
  // (setCookie would parse every existing Set-Cookie to find one to replace)
  if (!out.headers.has('set-cookie'))
    out.headers.append('set-cookie', cookieLine(options, session.id, cookie, secure))
  else setCookie(out.headers, c.name, session.id, cookie)
  return out
}

/** The attributes part of the last Set-Cookie serialized for each options (changes each second). */
const tails = new WeakMap<Resolved, { readonly key: string; readonly tail: string }>()

/**
 * `serializeCookie(name, id, cookie)`, reusing the attributes serialized (and validated) for
 * an earlier id when they are the same: same Secure, Max-Age and Expires second. Only an id
 * of the exact shape createSessionId makes (a valid cookie-value) skips the serializer.
 */
function cookieLine(options: Resolved, id: string, cookie: CookieOptions, secure: boolean): string {
  const name = options.cookie.name
  const key = `${secure}|${cookie.maxAge}|${cookie.expires === undefined ? '' : Math.floor(cookie.expires.getTime() / 1000)}`
  const memo = tails.get(options)
  if (memo !== undefined && memo.key === key && isValidSessionId(id))
    return `${name}=${id}${memo.tail}`
  const line = serializeCookie(name, id, cookie)
  tails.set(options, { key, tail: line.slice(name.length + 1 + id.length) })
  return line
}

/** What is left of the session's life: the idle timeout, capped by the absolute lifetime. */
function lifetime(session: SessionObject, options: Resolved): number {
  const left = session.createdAt + options.absoluteMs - options.now()
  return Math.max(1000, Math.min(options.idleMs, left))
}

async function save(
  handle: RequestSession,
  session: SessionObject,
  options: Resolved,
): Promise<Outcome> {
  const changes = session.changes()
  const hadCookie = handle.cookieId !== undefined
  if (!session.stored) {
    // nothing to keep: no record, and a stale or destroyed cookie is cleared
    if (session.size === 0) return hadCookie ? 'clear-cookie' : 'none'
    await write(handle, session, changes, options, 0)
    return 'cookie'
  }
  if (changes.size > 0) {
    // undefined: destroyed by another request meanwhile, and a logout wins over this write
    const data = await write(handle, session, changes, options, session.version)
    return data === undefined ? 'clear-cookie' : 'cookie'
  }
  const now = options.now()
  const due = options.rolling && now - session.touchedAt >= options.touchAfterMs
  if (!session.touched && !due) return 'none'
  const ttl = lifetime(session, options)
  await handle.call('touch', (store) => store.touch(session.id, { ttl, touchedAt: now }))
  return 'cookie'
}

/**
 * Writes the session with compare-and-set; on a conflict reloads and reapplies this request's
 * changed keys (merge). Resolves the data written, or undefined if another request destroyed
 * the session meanwhile (a logout wins over a concurrent write).
 */
async function write(
  handle: RequestSession,
  session: SessionObject,
  changes: Changes,
  options: Resolved,
  expected: number,
): Promise<SessionData | undefined> {
  const id = session.id
  const now = options.now()
  let record = {
    data: session.toJSON(),
    version: expected + 1,
    createdAt: session.createdAt,
    touchedAt: now,
  }
  let expectedVersion = expected
  for (let attempt = 0; ; attempt++) {
    const ttl = lifetime(session, options)
    const cas = options.concurrency === 'last-write-wins' ? {} : { expectedVersion }
    const ok = await handle.call('set', (store) => store.set(id, record, { ttl, ...cas }))
    if (ok) {
      session.version = record.version
      session.stored = true
      return record.data
    }
    if (expected === 0) throw new SessionConflictError('a new session id was already taken')
    if (options.concurrency === 'reject')
      throw new SessionConflictError('session changed concurrently')
    if (attempt >= options.maxRetries) throw new SessionConflictError('too many concurrent writers')
    // a short random back-off spreads writers that collided
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * (attempt + 1)))
    const fresh = await handle.call('get', (store) => store.get(id))
    if (!fresh) return undefined
    record = {
      data: applyChanges(fresh.data, changes),
      version: fresh.version + 1,
      createdAt: fresh.createdAt,
      touchedAt: now,
    }
    expectedVersion = fresh.version
  }
}
