import type { App, Middleware } from '@paste/core'
import { quote, serviceUnavailable, unauthorized, withHeader } from './challenge.js'
import { digestResponse } from './compute.js'
import { importHmacKey, NonceIssuer } from './nonce.js'
import { type AuthDigestOptions, resolveConfig } from './options.js'
import { parseDigestParams } from './params.js'
import { type VerifierConfig, verify } from './verify.js'

export * from './compute.js'
export { parseHtdigest } from './htdigest.js'
export { md5, md5Bytes, toHex } from './md5.js'
export type { AuthDigestOptions } from './options.js'
export { parseDigestParams } from './params.js'
export { sha512_256 } from './sha512-256.js'
export {
  type MemoryNonceStoreOptions,
  memoryNonceStore,
  type NonceInfo,
  type NonceStore,
} from './store.js'
export type { DigestLookup, DigestSecret } from './verify.js'

/**
 * HTTP Digest authentication (RFC 7616): MD5, SHA-256 and SHA-512-256 with their -sess
 * variants, qop auth and auth-int, userhash, opaque, server-issued HMAC-stamped nonces with
 * `stale=true` on expiry, and replay protection (nc strictly increasing per nonce).
 *
 * @example
 * const site = pipe(app, authDigest({ realm: 'admin', users: { alice: 'secret' } }))
 */
export function authDigest(options: AuthDigestOptions): Middleware {
  const base = resolveConfig(options)
  const authType = options.authType ?? 'digest'
  const ready = importHmacKey(options.secret).then(async (key) => {
    const issuer = new NonceIssuer(key, base.realm)
    return { ...base, issuer, opaque: await issuer.opaque() } satisfies VerifierConfig
  })
  const challenge = async (config: VerifierConfig, stale: boolean) =>
    unauthorized(config, await config.issuer.issue(Date.now()), config.opaque, stale)

  return (app: App) =>
    async function authDigest(request, context) {
      const config = await ready
      // Someone above already authenticated the user (Paste's REMOTE_USER pass-through).
      if (context.remoteUser) return app(request, context)
      const header = request.headers.get('authorization')
      // No credentials: challenge (RFC 9110 section 11.6.1).
      if (header === null) return challenge(config, false)
      const params = parseDigestParams(header)
      // Another scheme or a syntax error: a 401, never a 500.
      if (!params) {
        context.logger.debug('auth-digest: malformed or non-Digest Authorization header')
        return challenge(config, false)
      }
      const outcome = await verify(config, request, params)
      // The replay check could not run: fail closed, and say it is the server's trouble
      // (a 401 would make the client ask its user for a password that was right).
      if ('unavailable' in outcome) {
        context.logger.error('auth-digest: the nonce store failed; answering 503', {
          error: outcome.error,
        })
        return serviceUnavailable()
      }
      // Refused: a fresh challenge; stale=true lets the client retry without asking the user.
      if (!outcome.ok) {
        context.logger.info(`auth-digest: refused (${outcome.reason})`)
        return challenge(config, outcome.stale)
      }
      const inner = context.derive({ remoteUser: outcome.user, authType })
      const response = await app(request, inner)
      // auth-int's rspauth covers the response body (3.5), which is streamed and not hashed
      // here: no Authentication-Info rather than one a verifying client would reject.
      if (outcome.qop === 'auth-int') return response
      // Mutual authentication: prove we know the password too (RFC 7616 section 3.5).
      const rspauth = await digestResponse({ ...outcome, nonce: params.get('nonce')!, method: '' })
      return withHeader(
        response,
        'authentication-info',
        `rspauth="${rspauth}", qop=${outcome.qop}, nc=${outcome.nc}, cnonce=${quote(outcome.cnonce)}`,
      )
    }
}
