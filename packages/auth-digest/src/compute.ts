/*
 * The Digest computations of RFC 7616 section 3.4.1-3.4.3:
 *   response = KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2)), KD(s, d) = H(s ":" d)
 *   A1 = username ":" realm ":" passwd;  -sess: A1 = H(username ":" realm ":" passwd) ":" nonce ":" cnonce
 *   A2 = Method ":" request-uri;  auth-int: A2 = Method ":" request-uri ":" H(entity-body)
 */
import { md5, toHex } from './md5.js'
import { sha512_256 } from './sha512-256.js'

/** The hash functions RFC 7616 section 6.1 registers. */
export type DigestHash = 'MD5' | 'SHA-256' | 'SHA-512-256'
/** An algorithm value: a hash, optionally with the session variant. */
export type DigestAlgorithm = DigestHash | `${DigestHash}-sess`
/** The quality-of-protection values (RFC 7616 section 3.3). */
export type DigestQop = 'auth' | 'auth-int'

/**
 * Every algorithm value this package understands.
 *
 * @example
 * authDigest({ realm, users, algorithms: ALGORITHMS.filter((a) => !a.startsWith('MD5')) })
 */
export const ALGORITHMS: readonly DigestAlgorithm[] = [
  'MD5',
  'MD5-sess',
  'SHA-256',
  'SHA-256-sess',
  'SHA-512-256',
  'SHA-512-256-sess',
]

const encoder = new TextEncoder()

/**
 * The hash behind an algorithm value (`SHA-256-sess` -> `SHA-256`).
 *
 * @example
 * baseHash('SHA-512-256-sess') // 'SHA-512-256'
 */
export function baseHash(algorithm: DigestAlgorithm): DigestHash {
  return algorithm.replace(/-sess$/, '') as DigestHash
}

/**
 * Hashes a string (as UTF-8) or bytes with a Digest hash function, to lower-case hex.
 *
 * @example
 * await digestHash('SHA-256', 'abc') // 'ba7816bf...'
 */
export async function digestHash(hash: DigestHash, data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  if (hash === 'MD5') return md5(bytes)
  if (hash === 'SHA-512-256') return toHex(sha512_256(bytes))
  return toHex(
    new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)),
  )
}

/**
 * H(username ":" realm ":" password): what an htdigest file stores for MD5, and what a user
 * store may keep instead of the password (Paste's `digest_password`).
 *
 * @example
 * await digestHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life')
 */
export function digestHa1(
  hash: DigestHash | DigestAlgorithm,
  username: string,
  realm: string,
  password: string,
): Promise<string> {
  return digestHash(baseHash(hash as DigestAlgorithm), `${username}:${realm}:${password}`)
}

/** The inputs of {@link digestResponse}. */
export interface DigestResponseInput {
  algorithm: DigestAlgorithm
  /** H(username:realm:password) for the algorithm's hash. */
  ha1: string
  nonce: string
  nc: string
  cnonce: string
  qop: DigestQop
  method: string
  uri: string
  /** H(entity-body), for qop=auth-int. */
  bodyHash?: string
}

/**
 * Computes the `response` value a client must send, or (with `method: ''`) the `rspauth`
 * of an Authentication-Info header (RFC 7616 section 3.5).
 *
 * @example
 * await digestResponse({ algorithm: 'MD5', ha1, nonce, nc: '00000001', cnonce, qop: 'auth',
 *   method: 'GET', uri: '/dir/index.html' })
 */
export async function digestResponse(input: DigestResponseInput): Promise<string> {
  const hash = baseHash(input.algorithm)
  const ha1 = input.algorithm.endsWith('-sess')
    ? await digestHash(hash, `${input.ha1}:${input.nonce}:${input.cnonce}`)
    : input.ha1
  const a2 =
    input.qop === 'auth-int'
      ? `${input.method}:${input.uri}:${input.bodyHash ?? ''}`
      : `${input.method}:${input.uri}`
  const ha2 = await digestHash(hash, a2)
  return digestHash(hash, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`)
}

/**
 * The hashed user name a client sends when `userhash=true` (RFC 7616 section 3.4.4).
 *
 * @example
 * await digestUserhash('SHA-256', 'J\u00e4s\u00f8n Doe', 'api@example.org')
 */
export function digestUserhash(
  hash: DigestHash | DigestAlgorithm,
  username: string,
  realm: string,
): Promise<string> {
  return digestHash(baseHash(hash as DigestAlgorithm), `${username}:${realm}`)
}
