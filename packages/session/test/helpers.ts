/**
 * Test helpers: a minimal browser-like cookie jar over any fetch, and store wrappers that
 * count, fail, hang or pause calls.
 */
import type { Logger } from '@paste/core'
import type { SessionStore } from '../src/index.js'

type Fetch = (input: string, init?: RequestInit) => Promise<Response>

/** A parsed Set-Cookie header. */
export interface SetCookie {
  name: string
  value: string
  attributes: Map<string, string>
}

/** Parses one Set-Cookie value (RFC 6265 section 5.2), attribute names lower-cased. */
export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...rest] = header.split(';')
  const eq = pair.indexOf('=')
  const attributes = new Map<string, string>()
  for (const part of rest) {
    const i = part.indexOf('=')
    const name = (i === -1 ? part : part.slice(0, i)).trim().toLowerCase()
    attributes.set(name, i === -1 ? '' : part.slice(i + 1).trim())
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes }
}

/** The Set-Cookie headers of a response for one cookie name. */
export function setCookies(response: Response, name: string): SetCookie[] {
  return response.headers
    .getSetCookie()
    .map(parseSetCookie)
    .filter((c) => c.name === name)
}

/** A client that keeps cookies like a browser (name -> value; Max-Age<=0 deletes). */
export function cookieClient(fetch: Fetch) {
  const jar = new Map<string, string>()
  const client = async (input: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    const response = await fetch(input, { ...init, headers })
    for (const c of response.headers.getSetCookie().map(parseSetCookie)) {
      const maxAge = c.attributes.get('max-age')
      const expires = c.attributes.get('expires')
      const gone =
        (maxAge !== undefined && Number(maxAge) <= 0) ||
        (maxAge === undefined && expires !== undefined && Date.parse(expires) <= Date.now())
      if (gone) jar.delete(c.name)
      else jar.set(c.name, c.value)
    }
    return response
  }
  return Object.assign(client, { jar })
}

/** Counts calls per store method. */
export function countingStore(inner: SessionStore) {
  const calls = { get: 0, set: 0, destroy: 0, touch: 0 }
  const count = <R>(name: keyof typeof calls, f: () => Promise<R>): Promise<R> => {
    calls[name]++
    return f()
  }
  const store: SessionStore = {
    get: (id) => count('get', () => inner.get(id)),
    set: (id, r, o) => count('set', () => inner.set(id, r, o)),
    destroy: (id) => count('destroy', () => inner.destroy(id)),
    touch: (id, o) => count('touch', () => inner.touch(id, o)),
  }
  return { store, calls }
}

/** A store whose methods can be switched to fail or to hang. */
export function faultyStore(inner: SessionStore) {
  const mode: Record<'get' | 'set' | 'destroy' | 'touch', 'ok' | 'fail' | 'hang'> = {
    get: 'ok',
    set: 'ok',
    destroy: 'ok',
    touch: 'ok',
  }
  const guard = <R>(name: keyof typeof mode, f: () => Promise<R>): Promise<R> => {
    if (mode[name] === 'fail') return Promise.reject(new Error(`disk on fire during ${name}`))
    if (mode[name] === 'hang') return new Promise<R>(() => {})
    return f()
  }
  const store: SessionStore = {
    get: (id) => guard('get', () => inner.get(id)),
    set: (id, r, o) => guard('set', () => inner.set(id, r, o)),
    destroy: (id) => guard('destroy', () => inner.destroy(id)),
    touch: (id, o) => guard('touch', () => inner.touch(id, o)),
  }
  return { store, mode }
}

/** A logger that records what it is told. */
export function recordingLogger() {
  const entries: { level: string; message: string; details?: Record<string, unknown> }[] = []
  const at = (level: string) => (message: string, details?: Record<string, unknown>) =>
    entries.push(details ? { level, message, details } : { level, message })
  const logger: Logger = {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
  }
  return { logger, entries }
}
