import { describe, expect, test } from 'vitest'
import { storeConformance } from './conformance.js'
import { createSessionId } from './id.js'
import { memoryStore } from './memory.js'

const rec = (data: Record<string, unknown>, version = 1) => ({
  data,
  version,
  createdAt: 0,
  touchedAt: 0,
})

describe('memoryStore conformance', () => {
  for (const { name, run } of storeConformance(() => memoryStore())) test(name, run)
})

describe('memoryStore', () => {
  test('sweeps expired sessions on a write after sweepInterval', async () => {
    let now = 1_000_000
    const store = memoryStore({ now: () => now, sweepInterval: 1000 })
    for (let i = 0; i < 10; i++) await store.set(createSessionId(), rec({ i }), { ttl: 500 })
    expect(store.bytes).toBeGreaterThan(0)
    now += 600
    await store.set(createSessionId(), rec({}), { ttl: 10_000 }) // before the interval: no sweep
    expect(store.bytes).toBeGreaterThan(2)
    now += 500
    await store.set(createSessionId(), rec({}), { ttl: 10_000 }) // interval passed: sweep
    expect(await store.length()).toBe(2)
    expect(store.bytes).toBe(4)
  })

  test('an expired session is gone on read even before a sweep', async () => {
    let now = 0
    const store = memoryStore({ now: () => now })
    const id = createSessionId()
    await store.set(id, rec({ a: 1 }), { ttl: 100 })
    now = 99
    expect(await store.get(id)).toBeDefined()
    now = 100
    expect(await store.get(id)).toBeUndefined()
  })

  test('the session cap evicts the least recently used session', async () => {
    const store = memoryStore({ maxSessions: 3 })
    const ids = Array.from({ length: 4 }, createSessionId)
    for (const id of ids.slice(0, 3)) await store.set(id, rec({ id }), { ttl: 60_000 })
    await store.get(ids[0]!) // ids[0] becomes most recently used; ids[1] is now the oldest
    await store.set(ids[3]!, rec({}), { ttl: 60_000 })
    expect(await store.length()).toBe(3)
    expect(await store.get(ids[1]!)).toBeUndefined()
    expect(await store.get(ids[0]!)).toBeDefined()
  })

  test('the byte cap bounds memory however large the sessions', async () => {
    const store = memoryStore({ maxBytes: 10_000 })
    const big = 'x'.repeat(3000)
    for (let i = 0; i < 20; i++) await store.set(createSessionId(), rec({ big }), { ttl: 60_000 })
    expect(store.bytes).toBeLessThanOrEqual(10_000)
    expect(await store.length()).toBe(3)
  })

  test('a flood of new sessions never grows past the cap', async () => {
    const store = memoryStore({ maxSessions: 100 })
    for (let i = 0; i < 5000; i++) await store.set(createSessionId(), rec({ i }), { ttl: 60_000 })
    expect(await store.length()).toBe(100)
  })

  test('bad options throw a TypeError naming the option', () => {
    expect(() => memoryStore({ maxSessions: 0 })).toThrow(
      /@paste\/session: memoryStore maxSessions/,
    )
    expect(() => memoryStore({ maxBytes: Number.NaN })).toThrow(TypeError)
  })

  test('a value that cannot be serialised rejects the write and keeps the old record', async () => {
    const store = memoryStore()
    const id = createSessionId()
    await store.set(id, rec({ a: 1 }), { ttl: 60_000 })
    await expect(store.set(id, rec({ big: 1n }, 2), { ttl: 60_000 })).rejects.toThrow(TypeError)
    expect((await store.get(id))?.data).toEqual({ a: 1 })
  })
})
