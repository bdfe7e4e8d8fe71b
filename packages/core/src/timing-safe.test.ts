import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { timingSafeEqual } from './timing-safe.js'

describe('timingSafeEqual', () => {
  test('equal and unequal inputs', () => {
    expect(timingSafeEqual('secret', 'secret')).toBe(true)
    expect(timingSafeEqual('secret', 'secreT')).toBe(false)
    expect(timingSafeEqual('secret', 'secret2')).toBe(false)
    expect(timingSafeEqual('', '')).toBe(true)
    expect(timingSafeEqual('', 'a')).toBe(false)
    expect(timingSafeEqual('a\u0000', 'a')).toBe(false)
    expect(timingSafeEqual('ümlaut', new TextEncoder().encode('ümlaut'))).toBe(true)
  })

  test('agrees with === on arbitrary strings', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => timingSafeEqual(a, b) === (a === b)))
    fc.assert(fc.property(fc.string(), (a) => timingSafeEqual(a, a)))
  })

  // Measures the median time of batches of comparisons of `probe` against `secret`,
  // interleaving the two probes so machine noise hits both alike.
  function medians(
    compare: (a: Uint8Array, b: Uint8Array) => boolean,
    secret: Uint8Array,
    probes: [Uint8Array, Uint8Array],
  ): [number, number] {
    const rounds = 101
    const batch = 200
    const samples: [number[], number[]] = [[], []]
    for (let r = 0; r < rounds; r++) {
      for (const which of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const probe = probes[which]!
        const start = performance.now()
        for (let i = 0; i < batch; i++) compare(probe, secret)
        samples[which]!.push(performance.now() - start)
      }
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!
    return [median(samples[0]), median(samples[1])]
  }

  function probes(secret: Uint8Array): [Uint8Array, Uint8Array] {
    const first = secret.slice()
    first[0]! ^= 1
    const last = secret.slice()
    last[last.length - 1]! ^= 1
    return [first, last]
  }

  const secret = crypto.getRandomValues(new Uint8Array(4096))

  test('a wrong first byte and a wrong last byte take the same time', () => {
    for (let i = 0; i < 200; i++) timingSafeEqual(secret, secret) // warm up the JIT
    const [first, last] = medians(timingSafeEqual, secret, probes(secret))
    // Loose bound: equal work gives a ratio near 1 even on a busy machine.
    expect(last / first).toBeGreaterThan(0.5)
    expect(last / first).toBeLessThan(2)
  })

  test('the same measurement does tell an early-exit compare apart (the test can fail)', () => {
    const naive = (a: Uint8Array, b: Uint8Array) => {
      if (a.length !== b.length) return false
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
      return true
    }
    for (let i = 0; i < 200; i++) naive(secret, secret)
    const [first, last] = medians(naive, secret, probes(secret))
    expect(last / first).toBeGreaterThan(4)
  })
})
