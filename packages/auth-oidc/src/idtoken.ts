/*
 * ID token validation (OpenID Connect Core 1.0 section 3.1.3.7), with jose doing the JWS
 * and the standard claims: the signature with the provider's keys and an asymmetric
 * algorithm from the allow-list (never `none`, never HS*), `iss`, `aud`, `exp`/`iat`
 * with a clock tolerance; then `azp` and `nonce` here.
 */
import { type CryptoKey, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose'

/**
 * An ID token was refused; the message says which check failed (logged, never shown to the client).
 *
 * @example
 * try { await verifyIdToken(token, keys, checks) } catch (e) { if (e instanceof IdTokenError) log(e.message) }
 */
export class IdTokenError extends Error {
  override readonly name = 'IdTokenError'
}

/** What an ID token must satisfy. */
export interface IdTokenChecks {
  issuer: string
  clientId: string
  nonce: string
  algorithms: readonly string[]
  /** Seconds. */
  clockTolerance: number
  /** The time to check against, for tests. @default now */
  currentDate?: Date
}

/**
 * Verifies an ID token and returns its claims, or throws {@link IdTokenError} (a bad token)
 * or another error (the key set could not be fetched: an upstream failure).
 *
 * @example
 * const claims = await verifyIdToken(idToken, keys, { issuer, clientId, nonce, algorithms, clockTolerance: 60 })
 */
export async function verifyIdToken(
  token: string,
  keys: JWTVerifyGetKey | CryptoKey | Uint8Array,
  checks: IdTokenChecks,
): Promise<JWTPayload> {
  let payload: JWTPayload
  try {
    const verified = await jwtVerify(token, keys as JWTVerifyGetKey, {
      algorithms: [...checks.algorithms],
      issuer: checks.issuer,
      audience: checks.clientId,
      clockTolerance: checks.clockTolerance,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      ...(checks.currentDate ? { currentDate: checks.currentDate } : {}),
    })
    payload = verified.payload
  } catch (error) {
    throw refusal(error)
  }
  // 3.1.3.7 items 4-5: with several audiences azp must be present; if present, our client id
  const several = Array.isArray(payload.aud) && payload.aud.length > 1
  if ((several || payload.azp !== undefined) && payload.azp !== checks.clientId)
    throw new IdTokenError('azp is not this client')
  if (typeof payload.sub !== 'string' || payload.sub === '')
    throw new IdTokenError('sub is missing')
  // iat in the future (past the tolerance) is refused too
  const now = (checks.currentDate ?? new Date()).getTime() / 1000
  if (typeof payload.iat === 'number' && payload.iat > now + checks.clockTolerance)
    throw new IdTokenError('iat is in the future')
  // 3.1.3.7 item 11: the nonce sent in the authentication request
  if (payload.nonce !== checks.nonce) throw new IdTokenError('nonce does not match')
  return payload
}

/** Turns jose's errors into an IdTokenError; key set fetch failures are passed through. */
function refusal(error: unknown): unknown {
  // the key set could not be had: an upstream failure, not a bad token
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return error
  if (
    !(error instanceof errors.JOSEError) ||
    error.message.includes('JSON Web Key Set HTTP response')
  )
    return error
  if (error instanceof errors.JWTExpired) return new IdTokenError('expired')
  if (error instanceof errors.JWTClaimValidationFailed)
    return new IdTokenError(`claim ${error.claim} failed: ${error.reason}`)
  if (error instanceof errors.JOSEAlgNotAllowed) return new IdTokenError('algorithm not allowed')
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new IdTokenError('bad signature')
  if (error instanceof errors.JWKSNoMatchingKey) return new IdTokenError('no matching key')
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return new IdTokenError('malformed')
  return new IdTokenError(error.code)
}
