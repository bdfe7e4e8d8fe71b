import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { importHmacKey, NonceIssuer } from './nonce.js'
import { memoryNonceStore } from './store.js'

const live = (issuedAt: number) => ({ issuedAt, expiresAt: Date.now() + 60_000 })

describe('memoryNonceStore', () => {
  test('nc must strictly increase per nonce', async () => {
    const store = memoryNonceStore()
    expect(await store.check('n', 1, live(1))).toBe(true)
    expect(await store.check('n', 1, live(1))).toBe(false)
    expect(await store.check('n', 3, live(1))).toBe(true)
    expect(await store.check('n', 2, live(1))).toBe(false)
    expect(await store.check('m', 1, live(1))).toBe(true)
  })

  test('memory stays bounded and a forgotten nonce is never accepted again', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(30), fc.integer({ min: 1, max: 5 })), { maxLength: 300 }),
        (uses) => {
          const store = memoryNonceStore({ maxEntries: 4 })
          const accepted = new Map<number, number>()
          for (const [n, nc] of uses) {
            const ok = store.check(`nonce-${n}`, nc, live(n)) as boolean
            // a reference model: a count is accepted at most once and only if higher than before
            if (ok) {
              expect(nc).toBeGreaterThan(accepted.get(n) ?? 0)
              accepted.set(n, nc)
            }
          }
        },
      ),
    )
  })

  test('after eviction, older unknown nonces are refused (stale) and newer ones accepted', () => {
    const store = memoryNonceStore({ maxEntries: 2 })
    expect(store.check('a', 1, live(10))).toBe(true)
    expect(store.check('b', 1, live(20))).toBe(true)
    expect(store.check('c', 1, live(30))).toBe(true) // evicts a (issued at 10)
    expect(store.check('a', 1, live(10))).toBe(false) // replay of a forgotten nonce
    expect(store.check('old', 1, live(5))).toBe(false)
    expect(store.check('new', 1, live(40))).toBe(true)
  })

  test('rejects a bad maxEntries', () => {
    expect(() => memoryNonceStore({ maxEntries: 0 })).toThrow(/maxEntries/)
  })
})

describe('NonceIssuer', () => {
  test('verifies its own nonces and refuses changed or foreign ones', async () => {
    const key = await importHmacKey('k'.repeat(32))
    const issuer = new NonceIssuer(key, 'realm')
    const nonce = await issuer.issue(1_700_000_000_000)
    expect(await issuer.verify(nonce)).toBe(1_700_000_000_000)
    const flipped = nonce[10] === 'A' ? 'B' : 'A'
    expect(await issuer.verify(nonce.slice(0, 10) + flipped + nonce.slice(11))).toBeUndefined()
    expect(await issuer.verify(nonce.slice(0, -1))).toBeUndefined()
    expect(await issuer.verify(`${nonce}A`)).toBeUndefined()
    expect(await new NonceIssuer(key, 'other').verify(nonce)).toBeUndefined()
    expect(
      await new NonceIssuer(await importHmacKey(undefined), 'realm').verify(nonce),
    ).toBeUndefined()
    expect(await issuer.verify('!'.repeat(48))).toBeUndefined()
  })

  test('every nonce is different', async () => {
    const issuer = new NonceIssuer(await importHmacKey(undefined), 'r')
    const nonces = await Promise.all(Array.from({ length: 100 }, () => issuer.issue(1)))
    expect(new Set(nonces).size).toBe(100)
  })
})
