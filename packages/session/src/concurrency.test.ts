import { type App, pipe } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import { describe, expect } from 'vitest'
import { recordingLogger } from '../test/helpers.js'
import { getSession, memoryStore, type SessionOptions, session } from './index.js'

/** Resolves every waiter once `count` requests have arrived (all loaded before any saves). */
function barrier(count: number) {
  let arrived = 0
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return () => {
    if (++arrived === count) open()
    return opened
  }
}

const log = recordingLogger()
const opts = { logger: log.logger }
const data = async (response: Promise<Response>) =>
  (await (await response).json()) as Record<string, unknown>

/**
 * `/seed` creates a session; `/set?k=v...` (`v` `-` deletes, `inc` increments) loads it, waits until `writers` requests have
 * loaded, then sets its keys; `/logout` destroys; `/` shows the data.
 */
function app(options: SessionOptions, writers: number) {
  const store = memoryStore()
  const wait = barrier(writers)
  const inner: App = async (request, context) => {
    const url = new URL(request.url)
    const s = await getSession(context)
    if (url.pathname === '/seed') s.set('seed', true)
    if (url.pathname === '/set' || url.pathname === '/logout') {
      await wait()
      if (url.pathname === '/logout') await s.destroy()
      for (const [k, v] of url.searchParams) {
        if (v === '-') s.delete(k)
        else s.set(k, v === 'inc' ? ((s.get(k) as number) ?? 0) + 1 : v)
      }
    }
    return Response.json(s.toJSON())
  }
  return { store, app: pipe(inner, session({ ...options, store })) }
}

async function seed(fetch: (i: string, init?: RequestInit) => Promise<Response>) {
  const response = await fetch('/seed')
  const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!
  return { headers: { cookie } }
}

describe('two requests changing one session at once', () => {
  matrix(
    'merge (default): changes to different keys are all kept',
    () => app({}, 2).app,
    async (fetch) => {
      const init = await seed(fetch)
      const [a, b] = await Promise.all([fetch('/set?a=1', init), fetch('/set?b=2', init)])
      expect([a.status, b.status]).toEqual([200, 200])
      expect(await data(fetch('/', init))).toEqual({ seed: true, a: '1', b: '2' })
    },
    opts,
  )

  matrix(
    'merge: ten concurrent writers of ten keys lose nothing',
    () => app({}, 10).app,
    async (fetch) => {
      const init = await seed(fetch)
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => fetch(`/set?k${i}=${i}`, init)),
      )
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200))
      const shown = await data(fetch('/', init))
      for (let i = 0; i < 10; i++) expect(shown[`k${i}`]).toBe(String(i))
    },
    opts,
  )

  matrix(
    'merge: a deletion in one request and an addition in another both apply',
    () => app({}, 2).app,
    async (fetch) => {
      const init = await seed(fetch)
      await Promise.all([fetch('/set?seed=-', init), fetch('/set?x=1', init)])
      const shown = await data(fetch('/', init))
      expect(shown).toEqual({ x: '1' })
    },
    opts,
  )

  matrix(
    "last-write-wins: the earlier request's change is lost (what merge prevents)",
    () => app({ concurrency: 'last-write-wins' }, 2).app,
    async (fetch) => {
      const init = await seed(fetch)
      await Promise.all([fetch('/set?a=1', init), fetch('/set?b=2', init)])
      const shown = await data(fetch('/', init))
      expect(Object.keys(shown).filter((k) => k === 'a' || k === 'b')).toHaveLength(1)
    },
    opts,
  )

  matrix(
    'reject: the second writer gets a 503 and its change is not half-applied',
    () => app({ concurrency: 'reject' }, 2).app,
    async (fetch) => {
      log.entries.length = 0
      const init = await seed(fetch)
      const responses = await Promise.all([fetch('/set?n=inc', init), fetch('/set?n=inc', init)])
      expect(responses.map((r) => r.status).sort()).toEqual([200, 503])
      expect((await data(fetch('/', init))).n).toBe(1)
      expect(log.entries.some((e) => e.level === 'error' && /save failed/.test(e.message))).toBe(
        true,
      )
    },
    opts,
  )

  matrix(
    'a logout racing a write wins: the session is not brought back',
    () => {
      const made = app({}, 2)
      return made.app
    },
    async (fetch) => {
      const init = await seed(fetch)
      const [write, logout] = await Promise.all([fetch('/set?a=1', init), fetch('/logout', init)])
      expect(logout.status).toBe(200)
      expect(write.status).toBe(200)
      expect(await data(fetch('/', init))).toEqual({})
    },
    opts,
  )
})
