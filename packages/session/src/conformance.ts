/**
 * A store conformance suite, independent of any test framework: each check is an async
 * function that throws on failure. Store authors run it with their test runner.
 *
 * @example
 * import { storeConformance } from '@paste/session/conformance'
 * for (const check of storeConformance(() => myStore())) test(check.name, check.run)
 */
import { createSessionId } from './id.js'
import type { SessionRecord, SessionStore } from './store.js'

/** One named check. */
export interface ConformanceCheck {
  name: string
  run: () => Promise<void>
}

/** Options for {@link storeConformance}. */
export interface ConformanceOptions {
  /** How many concurrent writers the lost-update check runs. @default 20 */
  writers?: number
  /** Skip the checks of the optional `clear`/`length` methods. @default false */
  skipOptional?: boolean
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`store conformance: ${message}`)
}

function same(a: unknown, b: unknown, message: string): void {
  check(
    JSON.stringify(a) === JSON.stringify(b),
    `${message}: ${JSON.stringify(a)} !== ${JSON.stringify(b)}`,
  )
}

function record(data: Record<string, unknown>, version: number, now = Date.now()): SessionRecord {
  return { data, version, createdAt: now - 1000, touchedAt: now }
}

/** Increments `counter` with compare-and-set, retrying on conflicts (as the middleware does). */
async function increment(store: SessionStore, id: string): Promise<void> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const current = await store.get(id)
    const version = current?.version ?? 0
    const counter = ((current?.data.counter as number | undefined) ?? 0) + 1
    const ok = await store.set(id, record({ counter }, version + 1), {
      ttl: 60_000,
      expectedVersion: version,
    })
    if (ok) return
  }
  throw new Error('store conformance: a writer never won')
}

/**
 * The checks every {@link SessionStore} should pass: round trips, compare-and-set, destroy,
 * touch, TTL expiry, and no lost update under concurrent writers.
 *
 * @example
 * for (const { name, run } of storeConformance(() => memoryStore())) test(name, run)
 */
export function storeConformance(
  makeStore: () => SessionStore | Promise<SessionStore>,
  options: ConformanceOptions = {},
): ConformanceCheck[] {
  const writers = options.writers ?? 20
  const checks: ConformanceCheck[] = [
    {
      name: 'get of an unknown id is undefined',
      run: async () => {
        check(
          (await (await makeStore()).get(createSessionId())) === undefined,
          'unknown id returned a record',
        )
      },
    },
    {
      name: 'set then get round-trips data and metadata as a copy',
      run: async () => {
        const store = await makeStore()
        const id = createSessionId()
        const data = {
          s: 'h\u00e9llo \u{1f600}',
          n: 1.5,
          z: null,
          a: [1, { b: true }],
          ['__proto__']: { x: 1 },
        }
        const r = record(JSON.parse(JSON.stringify(data)), 1)
        check(await store.set(id, r, { ttl: 60_000 }), 'unconditional set returned false')
        const got = await store.get(id)
        check(got, 'record missing after set')
        same(got.data, JSON.parse(JSON.stringify(data)), 'data changed')
        check(
          got.version === 1 && got.createdAt === r.createdAt && got.touchedAt === r.touchedAt,
          'metadata changed',
        )
        ;(got.data.a as unknown[]).push(2)
        same((await store.get(id))?.data.a, [1, { b: true }], 'store shares objects with callers')
      },
    },
    {
      name: 'expectedVersion 0 writes only a new record',
      run: async () => {
        const store = await makeStore()
        const id = createSessionId()
        check(
          await store.set(id, record({ v: 1 }, 1), { ttl: 60_000, expectedVersion: 0 }),
          'create failed',
        )
        check(
          !(await store.set(id, record({ v: 2 }, 1), { ttl: 60_000, expectedVersion: 0 })),
          'second create won',
        )
        same((await store.get(id))?.data, { v: 1 }, 'losing create changed data')
      },
    },
    {
      name: 'a stale expectedVersion writes nothing',
      run: async () => {
        const store = await makeStore()
        const id = createSessionId()
        await store.set(id, record({ v: 1 }, 1), { ttl: 60_000 })
        check(
          await store.set(id, record({ v: 2 }, 2), { ttl: 60_000, expectedVersion: 1 }),
          'current version lost',
        )
        check(
          !(await store.set(id, record({ v: 3 }, 2), { ttl: 60_000, expectedVersion: 1 })),
          'stale version won',
        )
        const got = await store.get(id)
        check(got?.version === 2, 'version not kept')
        same(got.data, { v: 2 }, 'stale write changed data')
      },
    },
    {
      name: 'destroy forgets a record and ignores unknown ids',
      run: async () => {
        const store = await makeStore()
        const id = createSessionId()
        await store.set(id, record({ v: 1 }, 1), { ttl: 60_000 })
        await store.destroy(id)
        await store.destroy(createSessionId())
        check((await store.get(id)) === undefined, 'destroyed record still there')
      },
    },
    {
      name: 'touch updates touchedAt only, and never creates',
      run: async () => {
        const store = await makeStore()
        const id = createSessionId()
        const r = record({ v: 1 }, 1)
        await store.set(id, r, { ttl: 60_000 })
        await store.touch(id, { ttl: 60_000, touchedAt: r.touchedAt + 5000 })
        const got = await store.get(id)
        check(
          got?.touchedAt === r.touchedAt + 5000 && got.version === 1,
          'touch did not update touchedAt',
        )
        same(got.data, { v: 1 }, 'touch changed data')
        const other = createSessionId()
        await store.touch(other, { ttl: 60_000, touchedAt: Date.now() })
        check((await store.get(other)) === undefined, 'touch created a record')
      },
    },
    {
      name: 'records expire after their ttl; touch extends it',
      run: async () => {
        const store = await makeStore()
        const a = createSessionId()
        const b = createSessionId()
        const started = Date.now()
        await store.set(a, record({ v: 1 }, 1), { ttl: 600 })
        await store.set(b, record({ v: 1 }, 1), { ttl: 600 })
        await sleep(100)
        // generous margins, so a loaded machine (slow timers) does not fail the check
        check(
          Date.now() - started < 600,
          'the machine is too slow for this check (touch came after the ttl)',
        )
        await store.touch(b, { ttl: 5000, touchedAt: Date.now() })
        await sleep(Math.max(0, 800 - (Date.now() - started)))
        check((await store.get(a)) === undefined, 'record outlived its ttl')
        check((await store.get(b)) !== undefined, 'touch did not extend the ttl')
      },
    },
    {
      name: `${writers} concurrent compare-and-set writers lose no update`,
      run: async () => {
        const store = await makeStore()
        const id = createSessionId()
        await Promise.all(Array.from({ length: writers }, () => increment(store, id)))
        const got = await store.get(id)
        check(
          got?.data.counter === writers,
          `counter is ${String(got?.data.counter)}, not ${writers}`,
        )
        check(got.version === writers, `version is ${got.version}, not ${writers}`)
      },
    },
  ]
  if (!options.skipOptional)
    checks.push({
      name: 'clear and length (optional methods)',
      run: async () => {
        const store = await makeStore()
        if (!store.clear || !store.length) return
        await store.clear()
        for (let i = 0; i < 3; i++)
          await store.set(createSessionId(), record({ i }, 1), { ttl: 60_000 })
        check((await store.length()) === 3, 'length is not 3')
        await store.clear()
        check((await store.length()) === 0, 'clear left records')
      },
    })
  return checks
}
