/**
 * Session ids: 256 bits from the platform's CSPRNG (Web Crypto `getRandomValues`), written
 * as unpadded base64url (RFC 4648 section 5), 43 characters. Paste built ids from md5 of the
 * time and `random()` and trusted whatever the cookie said (paste-map.md); here an id is
 * only ever created by {@link createSessionId} and only ever accepted if it matches
 * {@link SESSION_ID_PATTERN}, so a cookie can never name a file, a key prefix or a path.
 */
import { base64urlEncode } from '@paste/core'

const ID_BYTES = 32

/**
 * The exact shape of an id: 32 bytes in unpadded base64url are 42 characters carrying 6 bits
 * each plus a 43rd carrying the last 4 bits, whose low 2 bits are zero
 * (`id = 42*b64url-char b64url-char-with-low-bits-clear`, RFC 4648 section 5).
 *
 * @example
 * SESSION_ID_PATTERN.test(createSessionId()) // true
 */
export const SESSION_ID_PATTERN: RegExp = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/

/**
 * Creates a new session id: 256 random bits, base64url.
 *
 * @example
 * const id = createSessionId() // 'q3J0...' (43 characters)
 */
export function createSessionId(): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(ID_BYTES)))
}

/**
 * Tells whether a value is a well-formed session id (as {@link createSessionId} makes them).
 * Stores must call it before using an id to build a file name or key.
 *
 * @example
 * if (!isValidSessionId(cookieValue)) startNewSession()
 */
export function isValidSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value)
}
