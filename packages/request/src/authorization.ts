import { isToken, readQuoted, trimOws } from './syntax.js'

/*
 * Authorization / Proxy-Authorization, RFC 9110 section 11.4 and 11.2:
 *
 *   credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-scheme = token
 *   auth-param  = token BWS "=" BWS ( token / quoted-string )
 *   token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 */

// token68, anchored; one class then one class: linear.
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/

/** Parsed credentials. */
export interface Authorization {
  /** The scheme, lower-cased (`basic`, `digest`, `bearer`). */
  scheme: string
  /** The token68 form (`Basic dXNlcjpwYXNz`). */
  token68?: string
  /** The auth-param form (`Digest username="a", realm="r"`); names lower-cased. */
  params?: Record<string, string>
}

/**
 * Parses an Authorization header. Returns `undefined` when malformed: a bad scheme, a
 * parameter list that does not parse, or a parameter given twice (RFC 9110 11.2: each name
 * at most once). A scheme alone (`Basic`) has neither `token68` nor `params`. Never throws.
 *
 * @example
 * parseAuthorization('Basic dXNlcjpwYXNz') // { scheme: 'basic', token68: 'dXNlcjpwYXNz' }
 * parseAuthorization('Digest username="a\\"b", nc=00000001')
 * // { scheme: 'digest', params: { username: 'a"b', nc: '00000001' } }
 */
export function parseAuthorization(header: string | null | undefined): Authorization | undefined {
  if (!header) return undefined
  const value = trimOws(header)
  const space = value.indexOf(' ')
  const scheme = (space === -1 ? value : value.slice(0, space)).toLowerCase()
  if (!isToken(scheme)) return undefined
  const rest = space === -1 ? '' : trimOws(value.slice(space + 1))
  if (rest === '') return { scheme }
  if (TOKEN68.test(rest)) return { scheme, token68: rest }
  const params = parseAuthParams(rest)
  return params === undefined ? undefined : { scheme, params }
}

/**
 * Parses `#auth-param` (`a=1, b="x, y"`) strictly: returns `undefined` on any malformed or
 * repeated parameter. One pass over the input. Also fits challenges (WWW-Authenticate).
 *
 * @example
 * parseAuthParams('realm="x, y", nonce=abc') // { realm: 'x, y', nonce: 'abc' }
 */
export function parseAuthParams(input: string): Record<string, string> | undefined {
  const params: Record<string, string> = Object.create(null)
  let i = 0
  const n = input.length
  const skip = (chars: string) => {
    while (i < n && chars.includes(input[i]!)) i++
  }
  while (i < n) {
    skip(' \t,')
    if (i >= n) break
    const eq = input.indexOf('=', i)
    if (eq === -1) return undefined
    const name = trimOws(input.slice(i, eq)).toLowerCase()
    if (!isToken(name) || name in params) return undefined
    i = eq + 1
    skip(' \t')
    let value: string
    if (input[i] === '"') {
      const q = readQuoted(input, i)
      if (!q) return undefined
      value = q.value
      i = q.end
    } else {
      let end = i
      while (end < n && input[end] !== ',' && input[end] !== ' ' && input[end] !== '\t') end++
      value = input.slice(i, end)
      if (!isToken(value)) return undefined
      i = end
    }
    params[name] = value
    skip(' \t')
    if (i < n && input[i] !== ',') return undefined
  }
  return params
}
