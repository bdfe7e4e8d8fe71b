import { describe, expect, test } from 'vitest'
import { createThrottle } from './rate-limit.js'

describe('createThrottle', () => {
  test('blocks a pair after N failures until the window ends', () => {
    let now = 0
    const t = createThrottle({ attempts: 3, window: 60 }, () => now)
    for (let i = 0; i < 3; i++) {
      expect(t.blocked('a')).toBe(0)
      t.fail('a')
    }
    expect(t.blocked('a')).toBe(60)
    expect(t.blocked('b')).toBe(0)
    now = 59_500
    expect(t.blocked('a')).toBe(1)
    now = 60_000
    expect(t.blocked('a')).toBe(0)
  })

  test('a success resets the count', () => {
    const t = createThrottle({ attempts: 2 })
    t.fail('a')
    t.reset('a')
    t.fail('a')
    expect(t.blocked('a')).toBe(0)
  })

  test('is bounded', () => {
    const t = createThrottle({ attempts: 1, maxEntries: 2 })
    t.fail('a')
    t.fail('b')
    t.fail('c')
    expect(t.blocked('a')).toBe(0)
    expect(t.blocked('c')).toBeGreaterThan(0)
  })

  test('bad limits are TypeErrors', () => {
    expect(() => createThrottle({ attempts: 0 })).toThrow(/rateLimit.attempts/)
    expect(() => createThrottle({ window: 1.5 })).toThrow(/rateLimit.window/)
  })
})
