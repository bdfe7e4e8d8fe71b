import fc from 'fast-check'
import { describe, expect, test, vi } from 'vitest'
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

describe("Node's HMAC and Web Crypto agree", () => {
  const secret = 'a-secret-that-is-at-least-32-bytes-long!'
  const content = {
    user: 'alice',
    tokens: ['editor'],
    userData: 'x',
    values: { a: 'b' },
    expires: 2e9,
  }
  // a key imported by hand: no secret on record, so the Web Crypto path signs and verifies
  const webOnly = () =>
    crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    )

  test('a value signed by one path verifies on the other, byte for byte the same', async () => {
    const [fast] = await importKeys([secret])
    const web = await webOnly()
    const a = await signCookie([fast!], 'C', content)
    const b = await signCookie([web], 'C', content)
    expect(a).toBe(b)
    expect((await verifyCookie([web], 'C', a))?.content.user).toBe('alice')
    expect((await verifyCookie([fast!], 'C', b))?.content.user).toBe('alice')
  })

  test("on Node, keys from importKeys never go through Web Crypto's sign/verify", async () => {
    const verify = vi.spyOn(crypto.subtle, 'verify')
    const sign = vi.spyOn(crypto.subtle, 'sign')
    try {
      const [fast] = await importKeys([secret])
      const value = await signCookie([fast!], 'C', content)
      expect((await verifyCookie([fast!], 'C', value))?.content.user).toBe('alice')
      expect(sign).not.toHaveBeenCalled()
      expect(verify).not.toHaveBeenCalled()
    } finally {
      verify.mockRestore()
      sign.mockRestore()
    }
  })

  test('both paths refuse a tampered signature, another cookie name and another key', async () => {
    const [fast, other] = await importKeys([secret, 'another-secret-that-is-32-bytes-long!!'])
    const web = await webOnly()
    const value = await signCookie([fast!], 'C', content)
    const flipped = `${value.slice(0, -2)}${value.at(-2) === 'A' ? 'B' : 'A'}${value.at(-1)}`
    for (const key of [fast!, web]) {
      expect(await verifyCookie([key], 'C', flipped)).toBeUndefined()
      expect(await verifyCookie([key], 'D', value)).toBeUndefined()
    }
    expect(await verifyCookie([other!], 'C', value)).toBeUndefined()
    // rotation: found by the second key
    expect((await verifyCookie([other!, fast!], 'C', value))?.keyIndex).toBe(1)
  })
})
