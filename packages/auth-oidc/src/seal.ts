/*
 * Our two cookies are JWTs encrypted with jose (JWE `dir` + `A256GCM`): the browser can
 * neither read nor change them, and the expiry inside is checked here. Each purpose (the
 * transient login state, the login) has its own key, derived from each secret with HKDF, so
 * one cookie can never be replayed as the other. The first secret encrypts; all decrypt.
 */
import { EncryptJWT, type JWTPayload, jwtDecrypt } from 'jose'

/** What a cookie is for; part of the key derivation. */
export type Purpose = 'state' | 'login'

/** Seals and opens payloads for one purpose. */
export interface Sealer {
  /** Encrypts `payload`, valid for `ttl` seconds. */
  seal(payload: JWTPayload, ttl: number): Promise<string>
  /** Decrypts and checks expiry; `undefined` for anything forged, expired or malformed. */
  open(value: string): Promise<JWTPayload | undefined>
}

async function derive(secret: Uint8Array, purpose: Purpose): Promise<Uint8Array> {
  const base = await crypto.subtle.importKey(
    'raw',
    secret as Uint8Array<ArrayBuffer>,
    'HKDF',
    false,
    ['deriveBits'],
  )
  const bits = await crypto.subtle.deriveBits(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new Uint8Array(0),
      info: new TextEncoder().encode(`@paste/auth-oidc ${purpose}`),
    },
    base,
    256,
  )
  return new Uint8Array(bits)
}

// a compact JWE: five base64url parts
const JWE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/**
 * A {@link Sealer} for one purpose.
 *
 * @example
 * const states = sealer(secrets, 'state')
 * const cookie = await states.seal({ s: state }, 600)
 */
export function sealer(secrets: readonly Uint8Array[], purpose: Purpose): Sealer {
  const keys = Promise.all(secrets.map((s) => derive(s, purpose)))
  return {
    async seal(payload, ttl) {
      const [key] = await keys
      return new EncryptJWT(payload)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
        .encrypt(key!)
    },
    async open(value) {
      if (value.length > 8192 || !JWE.test(value)) return undefined
      for (const key of await keys) {
        try {
          const { payload } = await jwtDecrypt(value, key, {
            keyManagementAlgorithms: ['dir'],
            contentEncryptionAlgorithms: ['A256GCM'],
            requiredClaims: ['exp'],
          })
          return payload
        } catch {}
      }
      return undefined
    },
  }
}
