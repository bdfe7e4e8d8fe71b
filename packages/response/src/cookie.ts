/*
 * Set-Cookie, RFC 6265 section 4.1.1, with the attributes of RFC 6265bis
 * (draft-ietf-httpbis-rfc6265bis: SameSite, cookie prefixes) and CHIPS (Partitioned):
 *
 *   set-cookie-string = cookie-pair *( ";" SP cookie-av )
 *   cookie-pair       = cookie-name "=" cookie-value
 *   cookie-name       = token
 *   cookie-value      = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
 *   cookie-octet      = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
 *   path-value        = <any CHAR except CTLs or ";">
 *
 * Everything is validated before anything is written: a bad name, value or attribute
 * throws a TypeError instead of producing a header a browser would drop or misread
 * (header injection through `;` or CR/LF is impossible).
 */

/**
 * Attributes of a Set-Cookie header.
 *
 * @example
 * const session: CookieOptions = { path: '/', secure: true, httpOnly: true, sameSite: 'Lax', maxAge: 3600 }
 * setCookie(response.headers, '__Host-sid', id, session)
 */
export interface CookieOptions {
  /** Seconds until expiry (`Max-Age`, an integer; 0 or less expires at once). */
  maxAge?: number
  /** Absolute expiry (`Expires`). */
  expires?: Date
  /** `Path`; must start with `/`. */
  path?: string
  /** `Domain` (a host name; a leading dot is allowed and ignored by browsers). */
  domain?: string
  /** `Secure`: sent over HTTPS only. Required by `__Secure-`, `__Host-`, `SameSite=None`, `Partitioned`. */
  secure?: boolean
  /** `HttpOnly`: hidden from scripts. */
  httpOnly?: boolean
  /** `SameSite`. */
  sameSite?: 'Strict' | 'Lax' | 'None'
  /** `Partitioned` (CHIPS): stored per top-level site. */
  partitioned?: boolean
  /** `Priority` (a Chromium extension). */
  priority?: 'Low' | 'Medium' | 'High'
}

// cookie-name = token (RFC 9110 5.6.2)
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
const VALUE =
  /^(?:[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*|"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*")$/
// path-value = <any CHAR except CTLs or ";">, starting with "/"
const PATH = /^\/[\x20-\x3A\x3C-\x7E]*$/
// domain: LDH labels separated by dots, optional leading dot
const DOMAIN = /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/

const fail = (message: string): never => {
  throw new TypeError(`@paste/response: ${message}`)
}

function checkPrefixes(name: string, options: CookieOptions): void {
  const lower = name.toLowerCase()
  // RFC 6265bis 4.1.3.1: __Secure- cookies must be Secure.
  if (lower.startsWith('__secure-') && !options.secure)
    fail(`cookie ${name} needs secure: true (__Secure- prefix)`)
  // RFC 6265bis 4.1.3.2: __Host- cookies must be Secure, Path=/, and have no Domain.
  if (lower.startsWith('__host-')) {
    if (!options.secure) fail(`cookie ${name} needs secure: true (__Host- prefix)`)
    if (options.path !== '/') fail(`cookie ${name} needs path: '/' (__Host- prefix)`)
    if (options.domain !== undefined) fail(`cookie ${name} must not have a domain (__Host- prefix)`)
  }
  if (options.sameSite === 'None' && !options.secure)
    fail(`cookie ${name}: sameSite 'None' needs secure: true`)
  if (options.partitioned && !options.secure) fail(`cookie ${name}: partitioned needs secure: true`)
}

function attributes(options: CookieOptions): string[] {
  const out: string[] = []
  if (options.maxAge !== undefined) {
    if (!Number.isInteger(options.maxAge)) fail('maxAge must be an integer number of seconds')
    out.push(`Max-Age=${options.maxAge}`)
  }
  if (options.domain !== undefined) {
    if (options.domain.length > 253 || !DOMAIN.test(options.domain))
      fail(`invalid cookie domain ${JSON.stringify(options.domain)}`)
    out.push(`Domain=${options.domain}`)
  }
  if (options.path !== undefined) {
    // RFC 6265bis 5.7: an attribute value over 1024 bytes is ignored by browsers
    if (options.path.length > 1024 || !PATH.test(options.path))
      fail(`invalid cookie path ${JSON.stringify(options.path)}`)
    out.push(`Path=${options.path}`)
  }
  if (options.expires !== undefined) {
    if (!(options.expires instanceof Date) || Number.isNaN(options.expires.getTime()))
      fail('expires must be a valid Date')
    out.push(`Expires=${options.expires.toUTCString()}`)
  }
  if (options.httpOnly) out.push('HttpOnly')
  if (options.secure) out.push('Secure')
  if (options.sameSite !== undefined) {
    if (!['Strict', 'Lax', 'None'].includes(options.sameSite))
      fail(`sameSite must be 'Strict', 'Lax' or 'None'`)
    out.push(`SameSite=${options.sameSite}`)
  }
  if (options.partitioned) out.push('Partitioned')
  if (options.priority !== undefined) {
    if (!['Low', 'Medium', 'High'].includes(options.priority))
      fail(`priority must be 'Low', 'Medium' or 'High'`)
    out.push(`Priority=${options.priority}`)
  }
  return out
}

/**
 * Builds a Set-Cookie header value, validating the name (a token), the value (cookie-octets,
 * optionally quoted: encode anything else yourself, e.g. with base64url) and every attribute,
 * and enforcing the `__Secure-` / `__Host-` prefix rules, `SameSite=None` and `Partitioned`
 * needing `Secure`, and the size limits browsers apply (name and value at most 4096 bytes,
 * path at most 1024). Throws a TypeError naming the problem. No defaults are added.
 *
 * @example
 * serializeCookie('__Host-sid', token, { secure: true, path: '/', httpOnly: true, sameSite: 'Lax' })
 * // '__Host-sid=...; Path=/; HttpOnly; Secure; SameSite=Lax'
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!NAME.test(name)) fail(`invalid cookie name ${JSON.stringify(name)}`)
  if (!VALUE.test(value)) fail(`invalid value for cookie ${name} (encode it first)`)
  // RFC 6265bis 5.7 steps 4-5: browsers drop a cookie whose name and value exceed 4096 bytes
  if (name.length + value.length > 4096) fail(`cookie ${name} is over 4096 bytes; browsers drop it`)
  checkPrefixes(name, options)
  return [`${name}=${value}`, ...attributes(options)].join('; ')
}
