import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { timingSafeEqual } from './timing-safe.js'

describe('timingSafeEqual', () => {
  test('equal only when identical', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true)
    expect(timingSafeEqual('abc', 'abd')).toBe(false)
    expect(timingSafeEqual('abc', 'ab')).toBe(false)
    expect(timingSafeEqual('', '')).toBe(true)
    expect(timingSafeEqual('', 'a')).toBe(false)
    expect(timingSafeEqual('é', 'e\u0301')).toBe(false)
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true)
    // a repeated prefix must not compare equal to a shorter value
    expect(timingSafeEqual('abab', 'ab')).toBe(false)
  })

  test('agrees with === on arbitrary strings', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => timingSafeEqual(a, b) === (a === b)))
    fc.assert(fc.property(fc.string(), (a) => timingSafeEqual(a, a)))
  })

  /*
   * A statistical check, not a benchmark: a secret differing in its first byte and one
   * differing in its last byte must take the same time to compare. Batches of each are
   * interleaved and the medians compared. The same harness run on an early-exit compare
   * must see the difference, which proves the check can fail.
   */
  const bytes = (text: string) => new TextEncoder().encode(text)
  const secret = bytes('k'.repeat(8192))
  const wrongFirst = bytes(`x${'k'.repeat(8191)}`)
  const wrongLast = bytes(`${'k'.repeat(8191)}x`)
  const earlyExit = (a: Uint8Array, b: Uint8Array) => {
    if (a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
    return true
  }
  const ratio = (compare: (a: Uint8Array, b: Uint8Array) => boolean) => {
    const time = (other: Uint8Array) => {
      const start = performance.now()
      for (let i = 0; i < 40; i++) compare(secret, other)
      return performance.now() - start
    }
    const first: number[] = []
    const last: number[] = []
    for (let i = 0; i < 230; i++) {
      // alternate which goes first, so drift and caches favour neither
      let a: number
      let b: number
      if (i % 2) {
        a = time(wrongFirst)
        b = time(wrongLast)
      } else {
        b = time(wrongLast)
        a = time(wrongFirst)
      }
      if (i < 30) continue // JIT warm-up
      first.push(a)
      last.push(b)
    }
    const median = (xs: number[]) => xs.sort((p, q) => p - q)[xs.length >> 1]!
    return median(last) / median(first)
  }

  test('a wrong first byte and a wrong last byte take the same time', () => {
    const control = ratio(earlyExit)
    expect(control, 'the harness must detect an early-exit compare').toBeGreaterThan(5)
    const r = ratio(timingSafeEqual)
    expect(r).toBeGreaterThan(0.67)
    expect(r).toBeLessThan(1.5)
  })
})
