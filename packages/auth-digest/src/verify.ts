/*
 * Checks parsed Digest credentials against the request (RFC 7616 section 3.4 and 3.5).
 * Each refusal names its reason for the log; the client only ever sees a 401.
 */
import { timingSafeEqual } from '@paste/core'
import {
  ALGORITHMS,
  baseHash,
  type DigestAlgorithm,
  type DigestHash,
  type DigestQop,
  digestHa1,
  digestHash,
  digestResponse,
} from './compute.js'
import type { NonceIssuer } from './nonce.js'
import { decodeExtValue, latin1ToUtf8 } from './params.js'
import type { NonceStore } from './store.js'
import { bodyHash, uriMatches } from './target.js'

/** A user's secret: the password, or H(username:realm:password) for the requested hash. */
export type DigestSecret = string | { password: string } | { ha1: string }

/** Finds a user's secret; `undefined` for an unknown user. */
export type DigestLookup = (
  username: string,
  realm: string,
  hash: DigestHash,
) => DigestSecret | undefined | Promise<DigestSecret | undefined>

/** Everything verification needs, resolved once per middleware. */
export interface VerifierConfig {
  realm: string
  algorithms: readonly DigestAlgorithm[]
  qop: readonly DigestQop[]
  userhash: boolean
  lookup: DigestLookup
  resolveUserhash: (
    userhash: string,
    hash: DigestHash,
  ) => string | undefined | Promise<string | undefined>
  store: NonceStore
  lifetimeMs: number
  maxBodyBytes: number
  issuer: NonceIssuer
  opaque: string
}

/** The outcome of a verification. */
export type Outcome =
  | {
      ok: true
      user: string
      algorithm: DigestAlgorithm
      ha1: string
      qop: DigestQop
      nc: string
      cnonce: string
      uri: string
    }
  | { ok: false; stale: boolean; reason: string }
  /** The nonce store failed (Redis down...): the request can be neither accepted nor refused. */
  | { ok: false; unavailable: true; error: unknown }

const refuse = (reason: string, stale = false): Outcome => ({ ok: false, stale, reason })
const HEX_LENGTH: Record<DigestHash, number> = { MD5: 32, 'SHA-256': 64, 'SHA-512-256': 64 }

function pickAlgorithm(
  config: VerifierConfig,
  value: string | undefined,
): DigestAlgorithm | undefined {
  // algorithm is optional and defaults to MD5 (RFC 7616 section 3.4); values are case-insensitive
  const wanted = (value ?? 'MD5').toLowerCase()
  const algorithm = ALGORITHMS.find((a) => a.toLowerCase() === wanted)
  return algorithm && config.algorithms.includes(algorithm) ? algorithm : undefined
}

async function username(config: VerifierConfig, params: Map<string, string>, hash: DigestHash) {
  const plain = params.get('username')
  const extended = params.get('username*')
  const hashed = params.get('userhash') === 'true'
  // exactly one of username / username*, and username* never with userhash (RFC 7616 3.4.4)
  if ((plain === undefined) === (extended === undefined)) return undefined
  if (extended !== undefined) return hashed ? undefined : decodeExtValue(extended)
  if (!hashed) return latin1ToUtf8(plain!)
  if (!config.userhash || !/^[0-9a-f]+$/i.test(plain!)) return undefined
  return config.resolveUserhash(plain!.toLowerCase(), hash)
}

/** Verifies Digest credentials; never throws for anything the client sent. */
export async function verify(
  config: VerifierConfig,
  request: Request,
  params: Map<string, string>,
): Promise<Outcome> {
  const algorithm = pickAlgorithm(config, params.get('algorithm'))
  if (!algorithm) return refuse('algorithm not offered')
  const hash = baseHash(algorithm)
  const qop = params.get('qop') as DigestQop | undefined
  // qop is required: without it there is no nonce-count, so no replay protection (RFC 7616 3.4)
  if (!qop || !config.qop.includes(qop)) return refuse('qop missing or not offered')
  const [nonce, uri, response, cnonce, nc] = ['nonce', 'uri', 'response', 'cnonce', 'nc'].map((k) =>
    params.get(k),
  )
  if (!nonce || uri === undefined || !response || !cnonce || cnonce.length > 256)
    return refuse('missing parameter')
  if (!nc || !/^[0-9a-fA-F]{8}$/.test(nc)) return refuse('nc is not 8 hex digits')
  if (response.length !== HEX_LENGTH[hash] || !/^[0-9a-fA-F]+$/.test(response))
    return refuse('malformed response')
  if (latin1ToUtf8(params.get('realm') ?? '') !== config.realm) return refuse('wrong realm')
  if (params.get('opaque') !== config.opaque) return refuse('opaque missing or changed')
  if (!uriMatches(uri, new URL(request.url))) return refuse('uri is not the request target')
  const issuedAt = await config.issuer.verify(nonce)
  if (issuedAt === undefined) return refuse('nonce not issued by this server')
  const user = await username(config, params, hash)
  if (user === undefined) return refuse('malformed or unknown user name')
  const secret = await config.lookup(user, config.realm, hash)
  const ha1 =
    secret === undefined
      ? await digestHash(hash, crypto.getRandomValues(new Uint8Array(16))) // same work, never matches
      : typeof secret === 'object' && 'ha1' in secret
        ? secret.ha1.toLowerCase()
        : await digestHa1(
            hash,
            user,
            config.realm,
            typeof secret === 'string' ? secret : secret.password,
          )
  let entityHash: string | undefined
  if (qop === 'auth-int') {
    entityHash = await bodyHash(request, hash, config.maxBodyBytes)
    if (entityHash === undefined) return refuse('body too large for auth-int')
  }
  const input = { algorithm, ha1, nonce, nc, cnonce, qop, method: request.method, uri }
  const expected = await digestResponse(
    entityHash === undefined ? input : { ...input, bodyHash: entityHash },
  )
  if (!timingSafeEqual(expected, response.toLowerCase()) || secret === undefined)
    return refuse('wrong response')
  const now = Date.now()
  // The credentials are right but the nonce is too old: the client may retry at once (3.3)
  if (now > issuedAt + config.lifetimeMs || issuedAt > now + 60_000)
    return refuse('nonce expired', true)
  let fresh: boolean
  try {
    fresh = await config.store.check(nonce, Number.parseInt(nc, 16), {
      issuedAt,
      expiresAt: issuedAt + config.lifetimeMs,
    })
  } catch (error) {
    return { ok: false, unavailable: true, error }
  }
  if (!fresh) return refuse('nonce count replayed', true)
  return { ok: true, user, algorithm, ha1, qop, nc, cnonce, uri }
}
