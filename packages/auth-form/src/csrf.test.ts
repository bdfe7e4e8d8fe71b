import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { createCsrf } from './csrf.js'

const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef')

describe('createCsrf', () => {
  test('issues tokens it accepts, with fresh nonces', async () => {
    const csrf = createCsrf(secret, 3600)
    const a = await csrf.issue()
    const b = await csrf.issue()
    expect(a).toMatch(/^v1\.\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
    expect(a).not.toBe(b)
    expect(await csrf.verify(a)).toBe(true)
  })

  test('refuses tokens signed with another secret, tampered or expired', async () => {
    let now = 1_000_000_000_000
    const csrf = createCsrf(secret, 60, () => now)
    const other = createCsrf(
      new TextEncoder().encode('another secret, long enough.....'),
      60,
      () => now,
    )
    const token = await csrf.issue()
    expect(await other.verify(token)).toBe(false)
    const [v, exp, nonce, mac] = token.split('.')
    expect(await csrf.verify(`${v}.${Number(exp) + 1000}.${nonce}.${mac}`)).toBe(false)
    expect(
      await csrf.verify(
        `${v}.${exp}.${nonce!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}.${mac}`,
      ),
    ).toBe(false)
    expect(await csrf.verify(`${token}x`)).toBe(false)
    expect(await csrf.verify(token, 120)).toBe(false) // less than 120 s of life left
    now += 61_000
    expect(await csrf.verify(token)).toBe(false)
  })

  test('arbitrary strings are never accepted', async () => {
    const csrf = createCsrf(secret, 60)
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), async (s) => !(await csrf.verify(s))),
    )
    const m = fc.stringMatching(/^v1\.\d{1,10}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
    await fc.assert(
      fc.asyncProperty(m, async (s) => !(await csrf.verify(s))),
      { numRuns: 200 },
    )
  })
})
