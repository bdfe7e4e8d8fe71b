/*
 * Parsing of `Authorization: Basic <token68>` (RFC 7617 section 2, RFC 9110 section 11.6.2).
 * Every malformed form returns `undefined`; nothing here throws.
 */

/** Credentials decoded from a Basic `Authorization` header. */
export interface BasicCredentials {
  /** The user-id (never contains a colon or a control character). */
  readonly user: string
  /** The password (never contains a control character). */
  readonly password: string
}

/** The longest credential accepted, in characters of the header value (a DoS guard). */
export const MAX_CREDENTIALS_LENGTH = 4096

// credentials = auth-scheme 1*SP token68; auth-scheme is case-insensitive (RFC 9110 11.1, 11.4).
// token68 for Basic is the base64 alphabet with its padding (RFC 7617 section 2, RFC 4648 4).
const BASIC = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i
// CTL = %x00-1F / %x7F (RFC 5234 B.1); RFC 7617 section 2 forbids them in user-id and password.
const CONTROL = /[\u0000-\u001f\u007f]/
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes a Basic `Authorization` header value into user and password, or returns
 * `undefined` for anything malformed: another scheme, missing or invalid base64, bytes
 * that are not UTF-8, no colon, control characters, or an oversized value.
 *
 * @example
 * parseBasicAuthorization('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')
 * // { user: 'Aladdin', password: 'open sesame' }
 */
export function parseBasicAuthorization(
  header: string | null | undefined,
): BasicCredentials | undefined {
  if (!header || header.length > MAX_CREDENTIALS_LENGTH) return undefined
  const match = BASIC.exec(header)
  if (!match) return undefined
  const bytes = decodeBase64(match[1]!)
  if (!bytes) return undefined
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch {
    return undefined // not UTF-8 (RFC 7617 2.1: the charset is UTF-8)
  }
  const colon = text.indexOf(':')
  if (colon === -1) return undefined // user-pass = user-id ":" password
  const user = text.slice(0, colon)
  const password = text.slice(colon + 1)
  if (CONTROL.test(text)) return undefined
  return { user, password }
}

function decodeBase64(text: string): Uint8Array | undefined {
  // base64 groups of 4; a missing final padding is tolerated, a wrong length is not.
  if (text.length % 4 === 1) return undefined
  const padded = text.padEnd(text.length + ((4 - (text.length % 4)) % 4), '=')
  let binary: string
  try {
    binary = atob(padded)
  } catch {
    return undefined
  }
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
