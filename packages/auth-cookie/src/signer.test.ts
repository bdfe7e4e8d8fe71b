import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  type CookieContent,
  encodePayload,
  importKeys,
  signCookie,
  verifyCookie,
} from './signer.js'

const content: CookieContent = {
  user: 'alice',
  tokens: ['a'],
  userData: 'd',
  values: { session: 's1' },
  expires: 2_000_000_000,
}
const k1 = 'k'.repeat(32)
const k2 = 'second-key-of-at-least-32-bytes!!'

describe('signed cookie values', () => {
  test('round-trip, and the predicted length is exact', async () => {
    const keys = await importKeys([k1])
    const value = await signCookie(keys, 'c', content)
    expect(value.length).toBe(3 + encodePayload(content).length + 44)
    expect(await verifyCookie(keys, 'c', value)).toEqual({ content, keyIndex: 0 })
  })

  test('rotation: the first key signs, every key verifies', async () => {
    const old = await signCookie(await importKeys([k2]), 'c', content)
    const keys = await importKeys([k1, k2])
    expect((await verifyCookie(keys, 'c', old))?.keyIndex).toBe(1)
    expect((await verifyCookie(keys, 'c', await signCookie(keys, 'c', content)))?.keyIndex).toBe(0)
    expect(await verifyCookie(await importKeys([k1]), 'c', old)).toBeUndefined()
  })

  test('tampered, truncated, extended, renamed or re-spelled values fail', async () => {
    const keys = await importKeys([k1])
    const value = await signCookie(keys, 'c', content)
    const [, payload, signature] = value.split('.') as [string, string, string]
    const forged = encodePayload({ ...content, user: 'admin' })
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
    for (const bad of [
      `v1.${forged}.${signature}`,
      `v1.${flip(payload, 0)}.${signature}`,
      `v1.${payload}.${flip(signature, 0)}`,
      `v1.${payload}.${flip(signature, 42)}`,
      value.slice(0, -1),
      `${value}A`,
      `v1.${payload}A.${signature}`,
      `v2.${payload}.${signature}`,
      `v1.${payload}`,
      '',
    ]) {
      expect(await verifyCookie(keys, 'c', bad), bad).toBeUndefined()
    }
    expect(await verifyCookie(keys, 'other-name', value)).toBeUndefined()
  })

  test('a correctly signed but malformed payload is refused', async () => {
    const keys = await importKeys([k1])
    const sign = async (json: string) => {
      const payload = Buffer.from(json).toString('base64url')
      const data = new TextEncoder().encode(`paste-auth-cookie:c:${payload}`)
      const sig = Buffer.from(await crypto.subtle.sign('HMAC', keys[0]!, data)).toString(
        'base64url',
      )
      return `v1.${payload}.${sig}`
    }
    for (const json of [
      'null',
      '[]',
      '{"u":1,"t":[],"d":"","v":{},"e":1}',
      '{"u":"","t":[],"d":"","v":{},"e":1}',
      '{"u":"a","t":[1],"d":"","v":{},"e":1}',
      '{"u":"a","t":[],"d":"","v":{"x":1},"e":1}',
      '{"u":"a","t":[],"d":"","v":{},"e":"1"}',
      'not json',
    ]) {
      expect(await verifyCookie(keys, 'c', await sign(json)), json).toBeUndefined()
    }
  })

  test('random values never throw and never verify', async () => {
    const keys = await importKeys([k1])
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (s) => {
        expect(await verifyCookie(keys, 'c', s)).toBeUndefined()
        expect(await verifyCookie(keys, 'c', `v1.${s}.${'A'.repeat(43)}`)).toBeUndefined()
      }),
      { numRuns: 300 },
    )
  })

  test('round-trips arbitrary content', async () => {
    const keys = await importKeys([k1])
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }),
        fc.array(fc.string()),
        fc.string(),
        fc.dictionary(
          fc.string().filter((k) => k !== '__proto__'),
          fc.string(),
        ),
        async (user, tokens, userData, values) => {
          const c = { user, tokens, userData, values, expires: 1 }
          expect((await verifyCookie(keys, 'n', await signCookie(keys, 'n', c)))?.content).toEqual(
            c,
          )
        },
      ),
      { numRuns: 100 },
    )
  })
})
