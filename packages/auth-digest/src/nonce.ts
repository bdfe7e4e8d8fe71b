/*
 * Server-issued nonces that verify without server state (RFC 7616 section 3.3 and 5.4):
 *
 *   nonce  = base64url( issued-at (8 bytes, ms, big-endian) || random (12) || tag (16) )
 *   tag    = HMAC-SHA-256(key, "paste-digest-nonce" || realm || issued-at || random)[0..16]
 *   opaque = base64url( HMAC-SHA-256(key, "paste-digest-opaque" || realm)[0..16] )
 *
 * A nonce the client invented, or one minted for another realm or key, fails the tag check.
 * Its age comes from the authenticated timestamp, so expiry needs no table either.
 */
import { base64urlDecode, base64urlEncode, timingSafeEqual } from '@paste/core'

const encoder = new TextEncoder()
/** An HMAC key as Web Crypto returns it (the global `CryptoKey` type is DOM-only). */
export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>
const NONCE_BYTES = 36

/** Imports a secret (or fresh random bytes) as an HMAC-SHA-256 key. */
export function importHmacKey(secret: string | Uint8Array | undefined): Promise<HmacKey> {
  const raw =
    secret === undefined
      ? crypto.getRandomValues(new Uint8Array(32))
      : typeof secret === 'string'
        ? encoder.encode(secret)
        : secret
  return crypto.subtle.importKey(
    'raw',
    raw as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
}

/** Issues and verifies the nonces and opaque value of one realm. */
export class NonceIssuer {
  readonly #key: HmacKey
  readonly #realm: Uint8Array
  constructor(key: HmacKey, realm: string) {
    this.#key = key
    this.#realm = encoder.encode(realm)
  }

  async #tag(label: string, body: Uint8Array): Promise<Uint8Array> {
    const label8 = encoder.encode(label)
    const data = new Uint8Array(label8.length + this.#realm.length + 1 + body.length)
    data.set(label8)
    data.set(this.#realm, label8.length)
    data.set(body, label8.length + this.#realm.length + 1) // a NUL separates realm and body
    return new Uint8Array(await crypto.subtle.sign('HMAC', this.#key, data)).slice(0, 16)
  }

  /** A fresh nonce stamped with `now` (ms since the epoch). */
  async issue(now: number): Promise<string> {
    const nonce = new Uint8Array(NONCE_BYTES)
    new DataView(nonce.buffer).setBigUint64(0, BigInt(Math.floor(now)))
    crypto.getRandomValues(nonce.subarray(8, 20))
    nonce.set(await this.#tag('paste-digest-nonce', nonce.subarray(0, 20)), 20)
    return base64urlEncode(nonce)
  }

  /** The issue time (ms) of a nonce this issuer minted, or `undefined` for any other string. */
  async verify(nonce: string): Promise<number | undefined> {
    if (nonce.length !== 48) return undefined
    const bytes = base64urlDecode(nonce)
    if (!bytes || bytes.length !== NONCE_BYTES) return undefined
    const expected = await this.#tag('paste-digest-nonce', bytes.subarray(0, 20))
    if (!timingSafeEqual(expected, bytes.subarray(20))) return undefined
    return Number(new DataView(bytes.buffer).getBigUint64(0))
  }

  /** The realm's opaque value (stable for a key and realm). */
  async opaque(): Promise<string> {
    return base64urlEncode(await this.#tag('paste-digest-opaque', new Uint8Array(0)))
  }
}
