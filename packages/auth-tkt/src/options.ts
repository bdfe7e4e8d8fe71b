/* Options of authTkt, checked and resolved once when the middleware is created. */
import { type CookieOptions, setCookie } from '@paste/response'
import type { TicketDigest } from './ticket.js'

/** Options for {@link authTkt}. Match them to the Apache side (`TKTAuth*`) when sharing tickets. */
export interface AuthTktOptions {
  /** The shared secret (`TKTAuthSecret`). Required; use 32+ random characters (shorter secrets are accepted for existing Apache setups). */
  secret: string
  /** Earlier secrets still accepted; such tickets are reissued with `secret` (`TKTAuthSecretOld`). @default [] */
  oldSecrets?: readonly string[]
  /** The digest (`TKTAuthDigestType`: MD5, SHA256, SHA512). @default 'sha256' */
  digest?: TicketDigest
  /** The cookie name (`TKTAuthCookieName`). @default 'auth_tkt' */
  cookieName?: string
  /** Bind tickets to the client address (`TKTAuthIgnoreIP off`); `false` binds to 0.0.0.0. @default true */
  includeIp?: boolean
  /** Seconds a ticket is valid after it was issued (`TKTAuthTimeout`). @default 7200 */
  timeout?: number
  /** Reissue a ticket when less than this fraction of `timeout` is left (`TKTAuthTimeoutRefresh`); 0 never. @default 0.5 */
  refresh?: number
  /** Cookie `Secure`; `'auto'` sets it on HTTPS requests, and always for `sameSite: 'None'` or a `__Secure-`/`__Host-` name. @default 'auto' */
  secure?: boolean | 'auto'
  /** Cookie `HttpOnly`. @default true */
  httpOnly?: boolean
  /** Cookie `SameSite`. @default 'Lax' */
  sameSite?: 'Strict' | 'Lax' | 'None'
  /** Cookie `Domain` (`TKTAuthDomain`); never taken from the Host header. @default none (host-only) */
  domain?: string
  /** Cookie `Path`. @default '/' */
  path?: string
  /** Cookie `Max-Age` in seconds for a persistent cookie (`TKTAuthCookieExpires`). @default none (a session cookie) */
  maxAge?: number
  /** A path (pathInfo) whose requests also sign the user out (Paste's `logout_path`). @default none */
  logoutPath?: string
}

const fail = (message: string): never => {
  throw new TypeError(`@paste/auth-tkt: ${message}`)
}

export function resolve(options: AuthTktOptions) {
  if (typeof options?.secret !== 'string' || options.secret === '')
    fail('secret must be a non-empty string')
  const digest = options.digest ?? 'sha256'
  if (!['md5', 'sha256', 'sha512'].includes(digest))
    fail("digest must be 'md5', 'sha256' or 'sha512'")
  const timeout = options.timeout ?? 7200
  if (!Number.isInteger(timeout) || timeout <= 0)
    fail('timeout must be a positive integer of seconds (old tickets must expire)')
  const refresh = options.refresh ?? 0.5
  if (!(refresh >= 0 && refresh <= 1)) fail('refresh must be between 0 and 1')
  const cookieName = options.cookieName ?? 'auth_tkt'
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName)) fail('cookieName must be a token')
  if (options.maxAge !== undefined && !(Number.isInteger(options.maxAge) && options.maxAge > 0))
    fail('maxAge must be a positive integer')
  const cookie: CookieOptions = {
    path: options.path ?? '/',
    httpOnly: options.httpOnly ?? true,
    sameSite: options.sameSite ?? 'Lax',
  }
  if (options.domain !== undefined) cookie.domain = options.domain
  // serializeCookie validates path, domain and prefixes now rather than on the first login
  setCookie(new Headers(), cookieName, 'x', { ...cookie, secure: options.secure !== false })
  return {
    digest,
    timeout,
    refresh,
    cookieName,
    cookie,
    secrets: [options.secret, ...(options.oldSecrets ?? [])],
    // SameSite=None and the __Secure-/__Host- prefixes need Secure on every response, http or not
    secure:
      cookie.sameSite === 'None' || /^__(?:secure|host)-/i.test(cookieName)
        ? true
        : (options.secure ?? 'auto'),
    includeIp: options.includeIp ?? true,
    logoutPath: options.logoutPath,
  }
}
