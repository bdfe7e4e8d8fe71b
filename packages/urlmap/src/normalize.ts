import { normalizePath } from '@paste/core'

/*
 * The request side of matching. `@paste/core` normalises pathInfo where a request enters
 * (RFC 3986 section 6.2.2, see core/src/path.ts); urlmap checks it again, because a context
 * may have been built by someone else. The check is a single character scan with no
 * allocation; only a path that is not already normal goes through `normalizePath`.
 */

// pchar = unreserved / pct-encoded / sub-delims / ":" / "@"   (RFC 3986 section 3.3)
const PCHAR = new Uint8Array(128)
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")
  PCHAR[c.charCodeAt(0)] = 1
// unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"   (RFC 3986 section 2.3)
const UNRESERVED = new Uint8Array(128)
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~')
  UNRESERVED[c.charCodeAt(0)] = 1
// upper-case hex digits, as normalised escapes use
const HEX = new Uint8Array(128)
for (const c of '0123456789ABCDEF') HEX[c.charCodeAt(0)] = 1

function hexValue(code: number): number {
  return code <= 57 ? code - 48 : code - 55
}

/** An escape that normalisation keeps: upper-case hex, not an unreserved character. */
function isKeptEscape(path: string, i: number): boolean {
  const a = path.charCodeAt(i + 1)
  const b = path.charCodeAt(i + 2)
  if (!(a < 128 && HEX[a] && b < 128 && HEX[b])) return false
  const decoded = hexValue(a) * 16 + hexValue(b)
  return !(decoded < 128 && UNRESERVED[decoded])
}

function isDotSegment(path: string, start: number, end: number): boolean {
  const len = end - start
  if (len === 1) return path.charCodeAt(start) === 46
  return len === 2 && path.charCodeAt(start) === 46 && path.charCodeAt(start + 1) === 46
}

/**
 * Tells whether a path is already in core's normal form: `''`, or `/` then pchar segments
 * with no empty segment (`//`), no `.` or `..` segment, and only escapes that normalisation
 * keeps (upper-case, not unreserved).
 *
 * @example
 * isNormalPath('/blog/2024') // true
 * isNormalPath('//admin')    // false
 */
export function isNormalPath(path: string): boolean {
  if (path === '') return true
  if (path.charCodeAt(0) !== 47) return false
  let segmentStart = 1
  for (let i = 1; i < path.length; i++) {
    const c = path.charCodeAt(i)
    if (c === 47) {
      if (i === segmentStart || isDotSegment(path, segmentStart, i)) return false
      segmentStart = i + 1
    } else if (c === 37) {
      if (!isKeptEscape(path, i)) return false
      i += 2
    } else if (!(c < 128 && PCHAR[c])) return false
  }
  return !isDotSegment(path, segmentStart, path.length)
}

/**
 * Returns the normal form of a pathInfo (the same string when already normal), or `null`
 * when it is malformed (bad escape, no leading `/`).
 *
 * @example
 * normalizePathInfo('/x/../%61dmin') // '/admin'
 */
export function normalizePathInfo(pathInfo: string): string | null {
  return isNormalPath(pathInfo) ? pathInfo : normalizePath(pathInfo)
}

/**
 * Splits a Host value into a lower-case name (trailing dot removed) and a port, defaulting
 * the port from the scheme (RFC 9110 sections 4.2.1, 4.2.2).
 *
 * @example
 * splitHost('Example.COM.:8080', 'http') // ['example.com', '8080']
 * splitHost('[::1]', 'https')            // ['[::1]', '443']
 */
export function splitHost(host: string, scheme: string): [name: string, port: string] {
  const close = host.charCodeAt(0) === 91 ? host.indexOf(']') : -1
  const colon = host.indexOf(':', close + 1)
  let name = (colon === -1 ? host : host.slice(0, colon)).toLowerCase()
  if (name.endsWith('.')) name = name.slice(0, -1)
  const port =
    colon === -1 ? (scheme === 'https' ? '443' : '80') : String(Number(host.slice(colon + 1)))
  return [name, port]
}
