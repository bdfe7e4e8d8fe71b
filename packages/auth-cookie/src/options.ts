/* Options of authCookie, checked and resolved once when the middleware is created. */
import { type CookieOptions, serializeCookie } from '@paste/response'
import { importKeys } from './signer.js'

/** Options for {@link authCookie}. */
export interface AuthCookieOptions {
  /** HMAC keys, newest first: the first signs, all verify (rotation). Each at least 32 bytes. @default one random key per process */
  secrets?: readonly (string | Uint8Array)[]
  /** The cookie name. @default 'PASTE_AUTH_COOKIE' */
  cookieName?: string
  /** Seconds of inactivity after which the cookie is refused (checked on the server). @default 1800 */
  timeout?: number
  /** Reissue when less than this fraction of `timeout` is left; 1 reissues on every request. @default 0.5 */
  refresh?: number
  /** The longest cookie (`name=value`) written or read, at most 4096 (browsers drop larger). @default 4096 */
  maxLength?: number
  /** Cookie `Secure`; `'auto'` sets it on HTTPS requests, and always for `sameSite: 'None'` or a `__Secure-`/`__Host-` name. @default 'auto' */
  secure?: boolean | 'auto'
  /** Cookie `HttpOnly`. @default true */
  httpOnly?: boolean
  /** Cookie `SameSite`. @default 'Lax' */
  sameSite?: 'Strict' | 'Lax' | 'None'
  /** Cookie `Domain`. @default none (host-only) */
  domain?: string
  /** Cookie `Path`. @default '/' */
  path?: string
  /** The `authType` put into the context for the app below. @default 'cookie' */
  authType?: string
}

const fail = (message: string): never => {
  throw new TypeError(`@paste/auth-cookie: ${message}`)
}

/** Whether browsers drop the cookie without `Secure` (RFC 6265bis 4.1.3, 5.4.7; CHIPS). */
function needsSecure(name: string, cookie: CookieOptions): boolean {
  return cookie.sameSite === 'None' || /^__(?:secure|host)-/i.test(name)
}

export function resolve(options: AuthCookieOptions) {
  const secrets = options.secrets ?? [crypto.getRandomValues(new Uint8Array(32))]
  if (!Array.isArray(secrets) || secrets.length === 0) fail('secrets must be a non-empty list')
  for (const s of secrets)
    if ((typeof s === 'string' ? new TextEncoder().encode(s) : s).length < 32)
      fail('every secret must be at least 32 bytes')
  const timeout = options.timeout ?? 1800
  if (!Number.isInteger(timeout) || timeout <= 0)
    fail('timeout must be a positive integer of seconds')
  const refresh = options.refresh ?? 0.5
  if (!(refresh >= 0 && refresh <= 1)) fail('refresh must be between 0 and 1')
  const maxLength = options.maxLength ?? 4096
  // RFC 6265bis 5.7: browsers drop a cookie whose name and value exceed 4096 bytes
  if (!Number.isInteger(maxLength) || maxLength < 100 || maxLength > 4096)
    fail('maxLength must be an integer from 100 to 4096')
  const cookieName = options.cookieName ?? 'PASTE_AUTH_COOKIE'
  const cookie: CookieOptions = {
    path: options.path ?? '/',
    httpOnly: options.httpOnly ?? true,
    sameSite: options.sameSite ?? 'Lax',
  }
  if (options.domain !== undefined) cookie.domain = options.domain
  try {
    serializeCookie(cookieName, 'x', { ...cookie, secure: options.secure !== false })
  } catch (error) {
    fail(`bad cookieName or cookie option: ${(error as Error).message}`)
  }
  return {
    keys: importKeys(secrets),
    timeout,
    refresh,
    maxLength,
    cookieName,
    cookie,
    // SameSite=None and the __Secure-/__Host- prefixes need Secure on every response, http or not
    secure: needsSecure(cookieName, cookie) ? true : (options.secure ?? 'auto'),
    authType: options.authType ?? 'cookie',
  }
}
