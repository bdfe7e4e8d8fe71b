/*
 * CSRF tokens for the login and logout forms: a signed double submit (OWASP). The token is
 *
 *   token = "v1." expires "." nonce "." mac
 *   mac   = base64url( HMAC-SHA-256( secret, "v1." expires "." nonce ) )
 *
 * with a 128-bit random nonce and an expiry in seconds since the epoch. It is sent both as
 * a cookie and as a hidden form field; a POST is accepted only when both are present,
 * identical (compared in constant time), unexpired, and carry a valid MAC. An attacker
 * without the secret can neither forge a token nor plant a cookie that matches one.
 */
import { base64urlEncode, timingSafeEqual } from '@paste/core'

const encoder = new TextEncoder()
// token = "v1." 1*10DIGIT "." 22base64url "." 43base64url
const TOKEN = /^v1\.(\d{1,10})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/

/** Issues and checks CSRF tokens with one HMAC key. */
export interface Csrf {
  /** A new token valid for `ttl` seconds. */
  issue(): Promise<string>
  /** Whether a token is well formed, signed by us and unexpired; `minLife` in seconds. */
  verify(token: string, minLife?: number): Promise<boolean>
}

/**
 * Creates the token issuer for a secret (imported once as a non-extractable HMAC key).
 *
 * @example
 * const csrf = createCsrf(secret, 3600)
 * const token = await csrf.issue()
 * await csrf.verify(token) // true
 */
export function createCsrf(secret: Uint8Array, ttl: number, now: () => number = Date.now): Csrf {
  const key = crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  const mac = async (payload: string) =>
    new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(payload)))
  return {
    async issue() {
      const expires = Math.floor(now() / 1000) + ttl
      const payload = `v1.${expires}.${base64urlEncode(crypto.getRandomValues(new Uint8Array(16)))}`
      return `${payload}.${base64urlEncode(await mac(payload))}`
    },
    async verify(token, minLife = 0) {
      const m = TOKEN.exec(token)
      if (!m) return false
      const expected = base64urlEncode(await mac(token.slice(0, token.lastIndexOf('.'))))
      const signed = timingSafeEqual(expected, m[3]!)
      return signed && Number(m[1]) > Math.floor(now() / 1000) + minLife
    },
  }
}
