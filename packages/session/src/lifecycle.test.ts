import { type App, pipe, silentLogger } from '@paste/core'
import { inProcessFetch, matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { cookieClient, countingStore, setCookies } from '../test/helpers.js'
import { getSession, memoryStore, type SessionOptions, session } from './index.js'

const opts = { logger: silentLogger }

interface Page {
  id: string
  isNew: boolean
  data: Record<string, unknown>
}
const page = async (response: Promise<Response>) => (await (await response).json()) as Page

/** An app with one route per session operation; every page reports `{ id, data }`. */
function routes(options: SessionOptions): App {
  return pipe(async (request: Request, context) => {
    const url = new URL(request.url)
    const s = await getSession<{ user: string; n: number; flash: string }>(context)
    switch (url.pathname) {
      case '/login':
        await s.regenerate()
        s.set('user', url.searchParams.get('user') ?? 'alice')
        break
      case '/logout':
        await s.destroy()
        if (url.searchParams.has('flash')) s.set('flash', 'bye')
        break
      case '/count':
        s.set('n', (s.get('n') ?? 0) + 1)
        break
      case '/touch':
        await s.touch()
        break
      case '/clear':
        s.clear()
        break
    }
    return Response.json({ id: s.id, isNew: s.isNew, data: s.toJSON() })
  }, session(options))
}

describe('regenerate, destroy, touch, clear', () => {
  const store = memoryStore()

  matrix(
    'regenerate (login) moves the data to a new id and kills the old one',
    () => routes({ store }),
    async (fetch) => {
      const client = cookieClient(fetch)
      const { id: anonymous } = await page(client('/count'))
      const { id, data } = await page(client('/login?user=bob'))
      expect(id).not.toBe(anonymous)
      expect(data).toEqual({ n: 1, user: 'bob' })
      expect(client.jar.get('sid')).toBe(id)
      expect(await store.get(anonymous)).toBeUndefined()
      expect((await store.get(id))?.data).toEqual({ n: 1, user: 'bob' })
      // the old id is useless to whoever planted or stole it
      const replay = await page(fetch('/', { headers: { cookie: `sid=${anonymous}` } }))
      expect(replay.data).toEqual({})
      expect(replay.id).not.toBe(anonymous)
    },
    opts,
  )

  matrix(
    'destroy (logout) removes the session and clears the cookie',
    () => routes({ store }),
    async (fetch) => {
      const client = cookieClient(fetch)
      const { id } = await page(client('/login'))
      const response = await client('/logout')
      const [c] = setCookies(response, 'sid')
      expect(c?.attributes.get('max-age')).toBe('0')
      expect(client.jar.has('sid')).toBe(false)
      expect(await store.get(id)).toBeUndefined()
      expect((await page(fetch('/', { headers: { cookie: `sid=${id}` } }))).data).toEqual({})
    },
    opts,
  )

  matrix(
    'data set after destroy lives on under a new id',
    () => routes({ store }),
    async (fetch) => {
      const client = cookieClient(fetch)
      const { id } = await page(client('/login'))
      const after = await page(client('/logout?flash'))
      expect(after.id).not.toBe(id)
      expect(client.jar.get('sid')).toBe(after.id)
      expect((await page(client('/'))).data).toEqual({ flash: 'bye' })
    },
    opts,
  )

  matrix(
    'clear() empties the data but keeps the session (destroy() removes it)',
    () => routes({ store }),
    async (fetch) => {
      const client = cookieClient(fetch)
      const { id } = await page(client('/count'))
      await client('/clear')
      expect((await store.get(id))?.data).toEqual({})
      expect(client.jar.get('sid')).toBe(id)
    },
    opts,
  )

  test('touch extends the store ttl and the cookie without writing data', async () => {
    const counted = countingStore(memoryStore())
    const fetch = cookieClient(
      inProcessFetch(routes({ store: counted.store, rolling: false }), opts),
    )
    await fetch('/count')
    const sets = counted.calls.set
    const response = await fetch('/touch')
    expect(counted.calls.touch).toBe(1)
    expect(counted.calls.set).toBe(sets)
    expect(setCookies(response, 'sid')[0]?.attributes.get('max-age')).toBe('7200')
  })

  test('a stale cookie for a session that is gone is cleared', async () => {
    const fetch = inProcessFetch(routes({}), opts)
    const response = await fetch('/', { headers: { cookie: `sid=${'A'.repeat(42)}E` } })
    expect(setCookies(response, 'sid')[0]?.attributes.get('max-age')).toBe('0')
  })
})

describe('expiry', () => {
  function clocked(options: SessionOptions) {
    const clock = { now: 1_700_000_000_000 }
    const counted = countingStore(memoryStore({ now: () => clock.now }))
    const app = routes({ ...options, store: counted.store, now: () => clock.now })
    return { clock, calls: counted.calls, fetch: cookieClient(inProcessFetch(app, opts)) }
  }

  test('idle timeout: a session unused for idleTimeout is gone', async () => {
    const { clock, fetch } = clocked({ idleTimeout: 600, rolling: false })
    await fetch('/count')
    clock.now += 599_000
    expect((await page(fetch('/'))).data).toEqual({ n: 1 })
    clock.now += 1_000 // 600 s after the last write: the read above did not extend it
    expect((await page(fetch('/'))).data).toEqual({})
  })

  test('rolling: each request extends the idle timeout (touching at most every touchAfter)', async () => {
    const { clock, calls, fetch } = clocked({ idleTimeout: 600, touchAfter: 60 })
    await fetch('/count')
    await fetch('/')
    expect(calls.touch).toBe(0) // within touchAfter of the write
    for (let i = 0; i < 5; i++) {
      clock.now += 500_000
      const response = await fetch('/')
      expect((await page(Promise.resolve(response))).data).toEqual({ n: 1 })
      expect(setCookies(response, 'sid')[0]?.attributes.get('max-age')).toBe('600')
    }
    expect(calls.touch).toBe(5)
  })

  test('absolute lifetime: even an active session ends', async () => {
    const { clock, fetch } = clocked({ idleTimeout: 600, absoluteTimeout: 1000 })
    const { id } = await page(fetch('/count'))
    clock.now += 500_000
    expect((await page(fetch('/count'))).data).toEqual({ n: 2 })
    clock.now += 500_000
    const after = await page(fetch('/'))
    expect(after.data).toEqual({})
    expect(after.id).not.toBe(id)
  })

  test('login (regenerate) restarts the absolute lifetime', async () => {
    const { clock, fetch } = clocked({ idleTimeout: 600, absoluteTimeout: 1000 })
    await fetch('/count')
    clock.now += 500_000
    await fetch('/login')
    clock.now += 500_000 // 1000 s after creation, 500 s after login
    expect((await page(fetch('/'))).data).toEqual({ n: 1, user: 'alice' })
  })
})
