/*
 * Request-path normalisation (RFC 3986 section 6.2.2), done once where a request enters, so
 * that every filter and every mounted app sees the same path:
 *
 * - percent-encoded unreserved characters are decoded (`/%61dmin` is `/admin`), other escapes
 *   are kept with upper-case hex; a `%` not followed by two hex digits is malformed;
 * - characters outside `pchar` (RFC 3986 section 3.3) are percent-encoded as UTF-8;
 * - runs of `/` collapse to one (`//admin` is `/admin`);
 * - dot segments are removed (section 5.2.4), never climbing above the root;
 * - encoded separators (`%2F`, `%5C`) stay encoded: they are data inside one segment, so
 *   `/admin%2Fx` is the single segment `admin%2Fx`, never `/admin/x`;
 * - `;` is an ordinary segment character: `/admin;x` is the segment `admin;x`, not `admin`.
 */

// unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
const UNRESERVED = /^[A-Za-z0-9\-._~]$/
// pchar = unreserved / pct-encoded / sub-delims / ":" / "@"   (plus "/" between segments)
const PCHAR_OR_SLASH = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/
// pchar without "%" (RFC 3986 section 3.3), by char code: what an already-normal path holds
const PLAIN = new Uint8Array(128)
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")
  PLAIN[c.charCodeAt(0)] = 1

/**
 * A path that is already normal: "/" then plain pchar segments, none empty (no "//"), none
 * starting with "." (so no dot segments), no "%" (a trailing "/" is fine). One pass over
 * the characters, no regular expression: this runs for every request.
 */
function alreadyNormal(raw: string): boolean {
  let segmentStart = true
  for (let i = 1; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === 47 /* / */) {
      if (segmentStart) return false // empty segment
      segmentStart = true
    } else {
      if (c >= 128 || PLAIN[c] === 0 || (segmentStart && c === 46)) /* . */ return false
      segmentStart = false
    }
  }
  return true
}

/**
 * Normalises a raw request path (no query) as described above. Returns `null` when the path
 * is malformed (does not start with `/`, bad percent-encoding, lone surrogate).
 *
 * @example
 * normalizePath('//a/./b/../%63%2Fd') // '/a/c%2Fd'
 */
export function normalizePath(raw: string): string | null {
  if (raw.length === 0 || raw.charCodeAt(0) !== 47 /* / */) return null
  if (alreadyNormal(raw)) return raw
  const canonical = canonicalEscapes(raw)
  if (canonical === null) return null
  return removeDotSegments(canonical)
}

function canonicalEscapes(raw: string): string | null {
  let out = ''
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!
    if (c === '%') {
      const hex = raw.slice(i + 1, i + 3)
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null
      const decoded = String.fromCharCode(Number.parseInt(hex, 16))
      out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`
      i += 2
    } else if (PCHAR_OR_SLASH.test(c)) {
      out += c
    } else {
      const code = raw.codePointAt(i)!
      const char = String.fromCodePoint(code)
      if (code >= 0xd800 && code <= 0xdfff) return null // lone surrogate
      out += encodeURIComponent(char)
      i += char.length - 1
    }
  }
  return out
}

function removeDotSegments(path: string): string {
  const input = path.split('/')
  const output: string[] = []
  for (let i = 1; i < input.length; i++) {
    const segment = input[i]!
    if (segment === '' || segment === '.') continue
    if (segment === '..') output.pop()
    else output.push(segment)
  }
  const last = input[input.length - 1]
  const trailingSlash = last === '' || last === '.' || last === '..'
  if (output.length === 0) return '/'
  return `/${output.join('/')}${trailingSlash ? '/' : ''}`
}

/**
 * Tells whether `prefix` (no trailing slash) matches `path` on whole segments:
 * `/blog` matches `/blog` and `/blog/x`, not `/blogger`.
 *
 * @example
 * isPathPrefix('/blog', '/blog/2024') // true
 */
export function isPathPrefix(prefix: string, path: string): boolean {
  if (prefix === '') return true
  if (!path.startsWith(prefix)) return false
  return path.length === prefix.length || path.charCodeAt(prefix.length) === 47
}
