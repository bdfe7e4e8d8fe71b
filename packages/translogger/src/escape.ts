/*
 * Escaping of logged values as Apache httpd does it (`ap_escape_logitem`, server/util.c):
 * every byte that is not printable ASCII, plus `"` and `\`, is escaped, so a client can
 * never end a field early or start a new log line. `\b \n \r \t \v \\ \"` get their C
 * escapes; every other such byte becomes `\xhh` (lower-case hex).
 *
 *   escaped = 0x00-0x1F / 0x7F / 0x80-0xFF / '"' / '\'
 */

const NAMED: Record<number, string> = {
  8: '\\b',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
  92: '\\\\',
  34: '\\"',
}

// Nothing to escape: printable ASCII without '"' or '\' (the common case, kept fast).
const SAFE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

function escapeByte(byte: number): string {
  const named = NAMED[byte]
  if (named !== undefined) return named
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte)
  return `\\x${byte.toString(16).padStart(2, '0')}`
}

/**
 * Escapes a value that is a byte string, such as an HTTP header value as Node and the
 * Fetch `Headers` hold it (each char code 0-255 is one byte on the wire). Char codes above
 * 255 cannot occur there; if they do, they are UTF-8 encoded and escaped byte by byte.
 *
 * @example
 * escapeBytes('curl\n"x"') // 'curl\\n\\"x\\"'
 */
export function escapeBytes(value: string): string {
  if (SAFE.test(value)) return value
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code <= 0xff) out += escapeByte(code)
    else {
      const char = String.fromCodePoint(value.codePointAt(i) ?? code)
      out += escapeText(char)
      i += char.length - 1
    }
  }
  return out
}

const encoder = new TextEncoder()

/**
 * Escapes a Unicode string (a user name, a path): it is UTF-8 encoded and every byte
 * escaped as Apache does, so `é` is logged as `\xc3\xa9`.
 *
 * @example
 * escapeText('ali\r\nce') // 'ali\\r\\nce'
 */
export function escapeText(value: string): string {
  if (SAFE.test(value)) return value
  let out = ''
  for (const byte of encoder.encode(value)) out += escapeByte(byte)
  return out
}
