import { inspect } from 'node:util'
import { type App, pipe } from '@paste/core'
import { getSession, session } from '@paste/session'
import { matrix, type RedisServer, startRedis, type TestFetch } from '@paste-tooling/testing'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { type RedisStore, redisStore } from './index.js'

let server: RedisServer
const stores: RedisStore[] = []
const entries: { level: string; message: string; details?: Record<string, unknown> }[] = []
const at = (level: string) => (message: string, details?: Record<string, unknown>) => {
  entries.push(details ? { level, message, details } : { level, message })
}
const logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') }

beforeAll(async () => {
  server = await startRedis()
})
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()))
  await server?.stop()
})

// what the store of the current run reported (a store of an earlier run may still be connected)
let storeEntries: string[] = []

function makeApp(): App {
  const mine: string[] = []
  storeEntries = mine
  const storeLogger = {
    ...logger,
    error: (m: string) => mine.push(m),
    info: (m: string) => mine.push(m),
  }
  const store = redisStore({
    url: server.url,
    prefix: `outage${stores.length}:`,
    commandTimeout: 500,
    logger: storeLogger,
  })
  stores.push(store)
  return pipe(
    async (request: Request, context) => {
      const s = await getSession<{ n: number }>(context)
      if (new URL(request.url).pathname === '/write') s.set('n', (s.get('n') ?? 0) + 1)
      return new Response(`n=${s.get('n') ?? 0}`)
    },
    session({ store, storeTimeout: 1500 }),
  )
}

async function snapshotThenCrash(): Promise<void> {
  // a snapshot of the data set, then a crash (SIGKILL): the restart loads the snapshot
  const admin = new Redis(server.url)
  await admin.save()
  admin.disconnect()
  await server.kill()
}

async function untilUp(fetch: TestFetch, init: RequestInit): Promise<Response> {
  for (let i = 0; i < 100; i++) {
    const response = await fetch('/', init)
    if (response.status === 200) return response
    await response.body?.cancel()
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the store did not recover within 10 s of the Redis restart')
}

describe('Redis stopped and restarted mid-test', () => {
  matrix(
    'clear 503s while Redis is down, no corrupted data, recovery after the restart',
    makeApp,
    async (fetch) => {
      const first = await fetch('/write')
      const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!
      const init = { headers: { cookie } }
      expect(await (await fetch('/write', init)).text()).toBe('n=2')

      await snapshotThenCrash()
      entries.length = 0
      for (const path of ['/', '/write']) {
        const started = Date.now()
        const response = await fetch(path, init)
        expect(response.status).toBe(503)
        expect(response.headers.getSetCookie()).toEqual([])
        expect(await response.text()).toBe('Service Unavailable\n')
        expect(Date.now() - started).toBeLessThan(4000) // bounded: commandTimeout / storeTimeout
      }
      // a new visitor cannot get a session either, and is told so
      expect((await fetch('/write')).status).toBe(503)
      expect(entries.filter((e) => e.level === 'error').length).toBeGreaterThanOrEqual(3)
      // no session id in the log: neither in the messages nor in the logged errors, printed
      // the way a console logger prints them (ioredis errors carry their command's arguments)
      expect(inspect(entries, { depth: 10 })).not.toContain(cookie.slice(4))

      await server.restart()
      const back = await untilUp(fetch, init)
      // the failed writes left nothing half-done: the session is as it was before the outage
      expect(await back.text()).toBe('n=2')
      expect(await (await fetch('/write', init)).text()).toBe('n=3')
      expect(await (await fetch('/', init)).text()).toBe('n=3')
      // the connection loss was reported once, not once per retry, and so was the recovery
      expect(storeEntries.filter((m) => /Redis connection error/.test(m))).toHaveLength(1)
      expect(storeEntries.some((m) => /connection restored/.test(m))).toBe(true)
    },
    { logger, timeout: 60_000 },
  )
})
