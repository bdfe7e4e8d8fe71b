/*
 * Parsing of `Authorization: Digest <auth-param list>` (RFC 7616 section 3.4,
 * RFC 9110 sections 5.6 and 11.2). Strict and total: malformed input returns `undefined`.
 *
 *   credentials = auth-scheme [ 1*SP #auth-param ]
 *   auth-param  = token BWS "=" BWS ( token / quoted-string )
 *   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
 *   qdtext      = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
 *   quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
 *   #element    = [ element ] *( OWS "," OWS [ element ] )
 */

/** The longest `Authorization` value parsed (a DoS guard). */
export const MAX_HEADER_LENGTH = 8192
/** The most parameters accepted. */
export const MAX_PARAMS = 32

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/
const SCHEME = /^digest(?: +|$)/i

function isQdtext(code: number): boolean {
  return (
    code === 0x09 ||
    code === 0x20 ||
    code === 0x21 ||
    (code >= 0x23 && code <= 0x5b) ||
    (code >= 0x5d && code <= 0x7e) ||
    (code >= 0x80 && code <= 0xff)
  )
}

function isPairChar(code: number): boolean {
  return code === 0x09 || (code >= 0x20 && code <= 0x7e) || (code >= 0x80 && code <= 0xff)
}

class Scanner {
  i = 0
  constructor(readonly s: string) {}
  ows(): void {
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++
  }
  token(): string | undefined {
    const start = this.i
    while (this.i < this.s.length && TCHAR.test(this.s[this.i]!)) this.i++
    return this.i > start ? this.s.slice(start, this.i) : undefined
  }
  quoted(): string | undefined {
    if (this.s[this.i] !== '"') return undefined
    let out = ''
    for (this.i++; this.i < this.s.length; this.i++) {
      const code = this.s.charCodeAt(this.i)
      if (code === 0x22) {
        this.i++
        return out
      }
      if (code === 0x5c) {
        const next = this.s.charCodeAt(++this.i)
        if (!isPairChar(next)) return undefined
        out += this.s[this.i]
      } else if (isQdtext(code)) out += this.s[this.i]
      else return undefined
    }
    return undefined // unterminated
  }
}

/**
 * Parses a Digest `Authorization` header into its parameters (names lower-cased, values
 * unquoted, still as the header's Latin-1 characters). Returns `undefined` for another
 * scheme, a syntax error, a repeated parameter, or an oversized header.
 *
 * @example
 * parseDigestParams('Digest username="Mufasa", nc=00000001')
 * // Map { 'username' => 'Mufasa', 'nc' => '00000001' }
 */
export function parseDigestParams(
  header: string | null | undefined,
): Map<string, string> | undefined {
  if (!header || header.length > MAX_HEADER_LENGTH) return undefined
  const scheme = SCHEME.exec(header)
  if (!scheme) return undefined
  const scan = new Scanner(header)
  scan.i = scheme[0].length
  const params = new Map<string, string>()
  let expectElement = true
  while (scan.i < header.length) {
    scan.ows()
    if (header[scan.i] === ',') {
      scan.i++
      expectElement = true
      continue
    }
    if (scan.i >= header.length) break
    if (!expectElement) return undefined // two elements without a comma
    const name = scan.token()?.toLowerCase()
    if (!name) return undefined
    scan.ows()
    if (header[scan.i++] !== '=') return undefined // a token68 or a bare token: not Digest syntax
    scan.ows()
    const value = header[scan.i] === '"' ? scan.quoted() : scan.token()
    if (value === undefined || params.has(name) || params.size >= MAX_PARAMS) return undefined
    params.set(name, value)
    expectElement = false
  }
  return params
}

/**
 * Reads a header value that carries UTF-8 as Latin-1 characters (how `Headers` exposes
 * bytes above 0x7F) back into a string; `undefined` if the bytes are not UTF-8.
 *
 * @example
 * latin1ToUtf8('J\u00c3\u00a4son') // 'Jäson'
 */
export function latin1ToUtf8(value: string): string | undefined {
  if (!/[\u0080-\uffff]/.test(value)) return value
  if (/[\u0100-\uffff]/.test(value)) return undefined
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(value, (c) => c.charCodeAt(0)),
    )
  } catch {
    return undefined
  }
}

/**
 * Decodes an RFC 8187 ext-value (`UTF-8''J%C3%A4son`), as used by `username*`
 * (RFC 7616 section 3.4.4). Only the UTF-8 charset is accepted.
 *
 * @example
 * decodeExtValue("UTF-8''J%C3%A4son") // 'Jäson'
 */
export function decodeExtValue(value: string): string | undefined {
  // ext-value = charset "'" [ language ] "'" value-chars (RFC 8187 section 3.2.1)
  const match = /^utf-8'[A-Za-z0-9-]*'((?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-Fa-f]{2})*)$/i.exec(value)
  if (!match) return undefined
  try {
    return decodeURIComponent(match[1]!)
  } catch {
    return undefined
  }
}
