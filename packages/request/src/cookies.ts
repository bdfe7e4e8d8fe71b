import { isToken, trimOws } from './syntax.js'

/*
 * Cookie request header, RFC 6265 section 4.2.1 / 5.4:
 *
 *   cookie-header = "Cookie:" OWS cookie-string OWS
 *   cookie-string = cookie-pair *( ";" SP cookie-pair )
 *   cookie-pair   = cookie-name "=" cookie-value
 *   cookie-name   = token
 *   cookie-value  = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
 *
 * Parsed leniently, as servers must: pairs are split on ";" and trimmed; a pair without "="
 * or whose name is not a token is skipped; one pair of surrounding quotes is removed; the
 * value is otherwise kept as sent (no percent-decoding). The first occurrence of a name wins:
 * a browser sends the cookie with the longest (most specific) path first (RFC 6265 5.4
 * step 2), so the first one is the one set for this path.
 */

/**
 * Parses a `Cookie` header into a map of name to value. Never throws.
 *
 * @example
 * parseCookies('sid=abc; theme="dark"; sid=shadowed') // Map { sid => 'abc', theme => 'dark' }
 */
export function parseCookies(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  if (!header) return cookies
  let start = 0
  while (start <= header.length) {
    let end = header.indexOf(';', start)
    if (end === -1) end = header.length
    addPair(cookies, header.slice(start, end))
    start = end + 1
  }
  return cookies
}

function addPair(cookies: Map<string, string>, pair: string): void {
  const eq = pair.indexOf('=')
  if (eq === -1) return
  const name = trimOws(pair.slice(0, eq))
  if (!isToken(name) || cookies.has(name)) return
  let value = trimOws(pair.slice(eq + 1))
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
  cookies.set(name, value)
}

/**
 * Reads one cookie from a request (the first occurrence of `name`), or `undefined`.
 *
 * @example
 * const sid = getCookie(request, 'sid')
 */
export function getCookie(request: Request, name: string): string | undefined {
  return parseCookies(request.headers.get('cookie')).get(name)
}
