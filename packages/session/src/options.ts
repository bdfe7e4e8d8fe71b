import type { SessionStore } from './store.js'

/** Cookie settings for {@link SessionOptions.cookie}. */
export interface SessionCookieOptions {
  /** Cookie name; a `__Host-` name forces Secure, Path=/ and no Domain. @default 'sid' */
  name?: string
  /** Path attribute. @default '/' */
  path?: string
  /** Domain attribute (not allowed with `__Host-`). @default none (host-only cookie) */
  domain?: string
  /** Secure attribute; `'auto'` sets it when the request came over https. @default 'auto' */
  secure?: boolean | 'auto'
  /** HttpOnly attribute. @default true */
  httpOnly?: boolean
  /** SameSite attribute (`None` forces Secure). @default 'Lax' */
  sameSite?: 'Strict' | 'Lax' | 'None'
  /** Partitioned attribute (CHIPS; forces Secure). @default false */
  partitioned?: boolean
  /**
   * Send Max-Age and Expires (the cookie lives as long as the session may: the idle timeout,
   * capped by what is left of the absolute lifetime). `false`: a browser-session cookie.
   * @default true
   */
  persistent?: boolean
}

/** Options for {@link session}. */
export interface SessionOptions {
  /** Where sessions live. @default memoryStore() (one process only) */
  store?: SessionStore
  /** Cookie settings. @default {} */
  cookie?: SessionCookieOptions
  /** Seconds without a write or touch after which a session expires. @default 7200 */
  idleTimeout?: number
  /** Seconds after creation (or regenerate) after which a session expires, however active. `Infinity` turns it off. @default 86400 */
  absoluteTimeout?: number
  /** Extend the idle timeout on every request that loads the session (store touch + cookie). @default true */
  rolling?: boolean
  /** With `rolling`, touch the store at most this often (seconds) per session. @default 60 */
  touchAfter?: number
  /** Milliseconds a store call may take before it counts as failed. @default 5000 */
  storeTimeout?: number
  /**
   * What a save does when another request changed the session since it was loaded:
   * `'merge'` reapplies this request's changed keys on the fresh copy (other keys keep the
   * other request's values); `'last-write-wins'` overwrites; `'reject'` fails the request.
   * @default 'merge'
   */
  concurrency?: 'merge' | 'last-write-wins' | 'reject'
  /** Merge attempts (with a short random back-off) before a save fails. @default 10 */
  maxRetries?: number
  /** Status of the response when the store fails. @default 503 */
  failureStatus?: 500 | 503
  /** The clock (epoch ms); for tests. @default Date.now */
  now?: () => number
}

export interface ResolvedCookie {
  name: string
  path: string
  domain: string | undefined
  secure: boolean | 'auto'
  httpOnly: boolean
  sameSite: 'Strict' | 'Lax' | 'None'
  partitioned: boolean
  persistent: boolean
}

export interface Resolved {
  store: SessionStore | undefined
  cookie: ResolvedCookie
  idleMs: number
  absoluteMs: number
  rolling: boolean
  touchAfterMs: number
  storeTimeout: number
  concurrency: 'merge' | 'last-write-wins' | 'reject'
  maxRetries: number
  failureStatus: 500 | 503
  now: () => number
}

// cookie-name = token (RFC 6265 section 4.1.1, token from RFC 9110 section 5.6.2)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// path-value = any CHAR except CTLs or ";" (RFC 6265 section 4.1.1), starting with "/"
const PATH = /^\/[\x20-\x3a\x3c-\x7e]*$/
// domain-value = subdomain (RFC 1034 section 3.5, RFC 6265 section 4.1.2.3), leading dot allowed
const DOMAIN =
  /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

function fail(message: string): never {
  throw new TypeError(`@paste/session: ${message}`)
}

function seconds(name: string, value: number | undefined, fallback: number, infinite = false) {
  const v = value ?? fallback
  if (typeof v !== 'number' || Number.isNaN(v) || v <= 0 || (!infinite && !Number.isFinite(v)))
    fail(`${name} must be a positive number`)
  return v
}

function resolveCookie(c: SessionCookieOptions): ResolvedCookie {
  const name = c.name ?? 'sid'
  if (!TOKEN.test(name)) fail('cookie.name must be a token (RFC 6265 section 4.1.1)')
  const path = c.path ?? '/'
  if (!PATH.test(path))
    fail('cookie.path must start with "/" and hold no ";" or control characters')
  if (c.domain !== undefined && !DOMAIN.test(c.domain)) fail('cookie.domain is not a domain name')
  const sameSite = c.sameSite ?? 'Lax'
  if (!['Strict', 'Lax', 'None'].includes(sameSite))
    fail("cookie.sameSite must be 'Strict', 'Lax' or 'None'")
  let secure = c.secure ?? 'auto'
  const host = name.startsWith('__Host-')
  const needsSecure =
    host || name.startsWith('__Secure-') || sameSite === 'None' || c.partitioned === true
  if (needsSecure) {
    if (secure === false)
      fail(
        `cookie.secure cannot be false with ${name.startsWith('__') ? `the ${name.slice(0, name.indexOf('-') + 1)} prefix` : sameSite === 'None' ? 'SameSite=None' : 'Partitioned'}`,
      )
    secure = true
  }
  // __Host- cookies: Secure, Path=/, no Domain (RFC 6265bis section 4.1.3.2)
  if (host && (path !== '/' || c.domain !== undefined))
    fail('a __Host- cookie must have path "/" and no domain')
  return {
    name,
    path,
    domain: c.domain,
    secure,
    httpOnly: c.httpOnly ?? true,
    sameSite,
    partitioned: c.partitioned ?? false,
    persistent: c.persistent ?? true,
  }
}

function touchAfter(value: number | undefined): number {
  if (value === 0) return 0
  return seconds('touchAfter', value, 60)
}

/** Checks and completes the options once, at creation. */
export function resolveOptions(options: SessionOptions): Resolved {
  const concurrency = options.concurrency ?? 'merge'
  if (!['merge', 'last-write-wins', 'reject'].includes(concurrency))
    fail("concurrency must be 'merge', 'last-write-wins' or 'reject'")
  const maxRetries = options.maxRetries ?? 10
  if (!Number.isInteger(maxRetries) || maxRetries < 0) fail('maxRetries must be an integer >= 0')
  const failureStatus = options.failureStatus ?? 503
  if (failureStatus !== 500 && failureStatus !== 503) fail('failureStatus must be 500 or 503')
  const store = options.store
  if (store !== undefined)
    for (const method of ['get', 'set', 'destroy', 'touch'] as const)
      if (typeof store[method] !== 'function') fail(`store must have a ${method}() method`)
  return {
    store,
    cookie: resolveCookie(options.cookie ?? {}),
    idleMs: seconds('idleTimeout', options.idleTimeout, 7200) * 1000,
    absoluteMs: seconds('absoluteTimeout', options.absoluteTimeout, 86400, true) * 1000,
    rolling: options.rolling ?? true,
    touchAfterMs: touchAfter(options.touchAfter) * 1000,
    storeTimeout: seconds('storeTimeout', options.storeTimeout, 5000),
    concurrency,
    maxRetries,
    failureStatus,
    now: options.now ?? Date.now,
  }
}
