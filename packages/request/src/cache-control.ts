import { isToken, readQuoted, splitList, trimOws } from './syntax.js'

/*
 * Cache-Control, RFC 9111 section 5.2, and Content-Length, RFC 9110 section 8.6:
 *
 *   Cache-Control   = #cache-directive
 *   cache-directive = token [ "=" ( token / quoted-string ) ]
 *   Content-Length  = 1*DIGIT
 */

/**
 * Parses a Cache-Control header into a map of lower-cased directive to value (`true` for a
 * directive without a value). The first occurrence of a directive wins; malformed directives
 * are skipped. Never throws.
 *
 * @example
 * parseCacheControl('max-age=60, no-cache="set-cookie", private')
 * // Map { 'max-age' => '60', 'no-cache' => 'set-cookie', 'private' => true }
 */
export function parseCacheControl(header: string | null | undefined): Map<string, string | true> {
  const directives = new Map<string, string | true>()
  if (!header) return directives
  for (const element of splitList(header)) {
    const eq = element.indexOf('=')
    const name = trimOws(eq === -1 ? element : element.slice(0, eq)).toLowerCase()
    if (!isToken(name) || directives.has(name)) continue
    if (eq === -1) {
      directives.set(name, true)
      continue
    }
    const raw = trimOws(element.slice(eq + 1))
    if (raw.startsWith('"')) {
      const q = readQuoted(raw, 0)
      if (q && q.end === raw.length) directives.set(name, q.value)
    } else if (isToken(raw)) directives.set(name, raw)
  }
  return directives
}

// Content-Length = 1*DIGIT; at most 15 digits so the number stays exact.
const DIGITS = /^\d{1,15}$/

/**
 * Parses a Content-Length header. A list of identical values (`5, 5`, from a merged repeated
 * header) is accepted as RFC 9110 8.6 allows; differing values, signs, spaces inside or
 * anything non-numeric give `undefined` (a request with an invalid Content-Length is a 400 for
 * the server). Never throws.
 *
 * @example
 * parseContentLength('1024') // 1024
 * parseContentLength('1, 2') // undefined
 */
export function parseContentLength(header: string | null | undefined): number | undefined {
  if (!header) return undefined
  const values = header.split(',').map(trimOws)
  const first = values[0]!
  if (!DIGITS.test(first) || values.some((v) => v !== first)) return undefined
  return Number(first)
}
