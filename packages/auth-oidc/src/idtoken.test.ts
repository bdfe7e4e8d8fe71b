import {
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWTPayload,
  SignJWT,
} from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import { type IdTokenChecks, IdTokenError, verifyIdToken } from './idtoken.js'

const ISS = 'https://op.example.org'
let rsa: Awaited<ReturnType<typeof generateKeyPair>>
let ec: Awaited<ReturnType<typeof generateKeyPair>>
let other: Awaited<ReturnType<typeof generateKeyPair>>
let keys: ReturnType<typeof createLocalJWKSet>

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true })
  ec = await generateKeyPair('ES256')
  other = await generateKeyPair('RS256')
  keys = createLocalJWKSet({
    keys: [
      { ...(await exportJWK(rsa.publicKey)), kid: 'r', alg: 'RS256' },
      { ...(await exportJWK(ec.publicKey)), kid: 'e', alg: 'ES256' },
    ],
  })
})

const now = () => Math.floor(Date.now() / 1000)
const claims = (extra: JWTPayload = {}): JWTPayload => ({
  iss: ISS,
  aud: 'app',
  sub: 'alice',
  nonce: 'n1',
  iat: now(),
  exp: now() + 300,
  ...extra,
})
const checks: IdTokenChecks = {
  issuer: ISS,
  clientId: 'app',
  nonce: 'n1',
  algorithms: ['RS256', 'ES256'],
  clockTolerance: 60,
}
const signRs = (c: JWTPayload, kid = 'r', key = () => rsa.privateKey) =>
  new SignJWT(c).setProtectedHeader({ alg: 'RS256', kid }).sign(key())
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url')

async function refused(token: string, why: RegExp, c: IdTokenChecks = checks) {
  const error = await verifyIdToken(token, keys, c).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(IdTokenError)
  expect((error as Error).message).toMatch(why)
}

describe('verifyIdToken accepts', () => {
  test('RS256 and ES256 tokens with the right claims', async () => {
    expect((await verifyIdToken(await signRs(claims()), keys, checks)).sub).toBe('alice')
    const es = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES256', kid: 'e' })
      .sign(ec.privateKey)
    expect((await verifyIdToken(es, keys, checks)).sub).toBe('alice')
  })
  test('several audiences with azp naming us, and a token just expired within the skew', async () => {
    await verifyIdToken(await signRs(claims({ aud: ['app', 'api'], azp: 'app' })), keys, checks)
    await verifyIdToken(await signRs(claims({ exp: now() - 30 })), keys, checks)
  })
})

describe('verifyIdToken refuses', () => {
  test('a bad signature (another key under our kid)', async () =>
    refused(await signRs(claims(), 'r', () => other.privateKey), /signature/))
  test('alg none', async () =>
    refused(`${b64({ alg: 'none' })}.${b64(claims())}.`, /algorithm|malformed/))
  test('HS256 keyed with the RSA public key (algorithm confusion)', async () => {
    const pem = new TextEncoder().encode(await exportSPKI(rsa.publicKey))
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: 'r' })
      .sign(pem)
    await refused(token, /algorithm/)
    // even when the caller's list were to allow it, the RSA key cannot verify HS256
    await refused(token, /key|algorithm|ERR/, { ...checks, algorithms: ['HS256'] })
  })
  test('an algorithm outside the allow-list', async () => {
    const es = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES256', kid: 'e' })
      .sign(ec.privateKey)
    await refused(es, /algorithm/, { ...checks, algorithms: ['RS256'] })
  })
  test('wrong iss, wrong aud, expired, iat in the future, missing sub', async () => {
    await refused(await signRs(claims({ iss: 'https://evil.example' })), /iss/)
    await refused(await signRs(claims({ aud: 'other' })), /aud/)
    await refused(await signRs(claims({ exp: now() - 120 })), /expired/)
    await refused(await signRs(claims({ iat: now() + 600 })), /iat/)
    const { sub: _, ...noSub } = claims()
    await refused(await signRs(noSub), /sub/)
  })
  test('a wrong or missing nonce', async () => {
    await refused(await signRs(claims({ nonce: 'n2' })), /nonce/)
    const { nonce: _, ...noNonce } = claims()
    await refused(await signRs(noNonce), /nonce/)
  })
  test('several audiences without azp, or azp naming another client', async () => {
    await refused(await signRs(claims({ aud: ['app', 'api'] })), /azp/)
    await refused(await signRs(claims({ azp: 'api' })), /azp/)
  })
  test('an unknown kid, and garbage', async () => {
    await refused(await signRs(claims(), 'nope', () => other.privateKey), /key/)
    await refused('not.a.jwt', /malformed|ERR/)
    await refused('', /malformed|ERR/)
  })
})
