import { inspect } from 'node:util'
import { type App, pipe, silentLogger } from '@paste/core'
import { createSessionId, getSession, session } from '@paste/session'
import { storeConformance } from '@paste/session/conformance'
import { inProcessFetch, matrix, type RedisServer, startRedis } from '@paste-tooling/testing'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RedisStore, redisStore } from './index.js'

let server: RedisServer
let admin: Redis
const stores: RedisStore[] = []
let counter = 0
function store(prefix = `t${counter++}:`): RedisStore {
  const s = redisStore({ url: server.url, prefix })
  stores.push(s)
  return s
}

beforeAll(async () => {
  server = await startRedis()
  admin = new Redis(server.url)
})
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()))
  admin?.disconnect()
  await server?.stop()
})

const rec = (data: Record<string, unknown>, version = 1) => ({
  data,
  version,
  createdAt: Date.now(),
  touchedAt: Date.now(),
})

describe('redisStore conformance (real redis-server)', () => {
  for (const { name, run } of storeConformance(() => store())) test(name, run)

  test('two clients (as two processes) with compare-and-set lose no update', async () => {
    const a = store('shared:')
    const b = store('shared:')
    const id = createSessionId()
    const increment = async (s: RedisStore) => {
      for (;;) {
        const cur = await s.get(id)
        const v = cur?.version ?? 0
        if (
          await s.set(id, rec({ n: ((cur?.data.n as number) ?? 0) + 1 }, v + 1), {
            ttl: 60_000,
            expectedVersion: v,
          })
        )
          return
      }
    }
    await Promise.all(Array.from({ length: 30 }, (_, i) => increment(i % 2 ? a : b)))
    expect((await a.get(id))?.data.n).toBe(30)
  })
})

describe('redisStore', () => {
  test('keeps one hash per session under the prefix, with a Redis expiry', async () => {
    const s = store('myapp:sess:')
    const id = createSessionId()
    await s.set(id, rec({ user: 'alice' }, 3), { ttl: 90_000 })
    const ttl = await admin.pttl(`myapp:sess:${id}`)
    expect(ttl).toBeGreaterThan(80_000)
    expect(ttl).toBeLessThanOrEqual(90_000)
    const hash = await admin.hgetall(`myapp:sess:${id}`)
    expect(hash.v).toBe('3')
    expect(JSON.parse(hash.d!)).toEqual({ user: 'alice' })
    expect(await admin.exists(id)).toBe(0)
  })

  test('clear and length see only this prefix (glob characters in it are literal)', async () => {
    const a = store('app[1]*:')
    const b = store('app[1]x:')
    await a.set(createSessionId(), rec({}), { ttl: 60_000 })
    await b.set(createSessionId(), rec({}), { ttl: 60_000 })
    expect(await a.length()).toBe(1)
    await a.clear()
    expect(await a.length()).toBe(0)
    expect(await b.length()).toBe(1)
  })

  test('a corrupt or foreign hash is treated as missing', async () => {
    const s = store('c:')
    const id = createSessionId()
    await admin.hset(`c:${id}`, 'd', '{not json', 'v', '1', 'c', '0', 't', '0')
    expect(await s.get(id)).toBeUndefined()
    await admin.hset(`c:${id}`, 'd', '{}', 'v', 'x')
    expect(await s.get(id)).toBeUndefined()
  })

  test('malformed ids never become keys', async () => {
    const s = store('m:')
    await admin.set('m:../x', 'victim')
    expect(await s.get('../x')).toBeUndefined()
    await s.destroy('../x')
    await expect(s.set('../x', rec({}), { ttl: 1000 })).rejects.toThrow(/malformed session id/)
    expect(await admin.get('m:../x')).toBe('victim')
  })

  test('store errors carry neither the session id nor the session data (they get logged)', async () => {
    const s = store('leak:')
    const id = createSessionId()
    // a key of the wrong type makes every command on it fail with a Redis ReplyError
    await admin.set(`leak:${id}`, 'not a hash')
    const failures = [
      await s.get(id).catch((e: unknown) => e),
      await s
        .set(id, rec({ secret: 'hunter2' }, 1), { ttl: 1000, expectedVersion: 0 })
        .catch((e: unknown) => e),
      await s.touch(id, { ttl: 1000, touchedAt: 1 }).catch((e: unknown) => e),
    ]
    for (const error of failures) {
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toMatch(/WRONGTYPE/)
      // what a console logger prints: the error with its own properties
      const printed = inspect(error, { depth: 10 })
      expect(printed).not.toContain(id)
      expect(printed).not.toContain('hunter2')
    }
    expect((failures[1] as { command?: unknown }).command).toEqual({
      name: expect.stringMatching(/^eval/),
    })

    // and through the middleware: a 503, and a log line without the id
    const logged: unknown[] = []
    const log = (_m: string, details?: unknown) => void logged.push(details)
    const logger = { error: log, warn: log, info: log, debug: log }
    const app = pipe(
      async (_r: Request, context) => {
        ;(await getSession(context)).get('x')
        return new Response('ok')
      },
      session({ store: s }),
    )
    const response = await inProcessFetch(app, { logger })('/', {
      headers: { cookie: `sid=${id}` },
    })
    expect(response.status).toBe(503)
    expect(logged.length).toBeGreaterThan(0)
    expect(inspect(logged, { depth: 10 })).toMatch(/WRONGTYPE/)
    expect(inspect(logged, { depth: 10 })).not.toContain(id)
  })

  test('bad options throw a TypeError naming the option', () => {
    expect(() => redisStore({ commandTimeout: 0, lazy: true } as never)).toThrow(
      /@paste\/session-redis: commandTimeout/,
    )
    expect(() => redisStore({ client: admin, url: 'redis://x' })).toThrow(/either client/)
    expect(() => redisStore({ cluster: { nodes: [] } })).toThrow(/cluster.nodes/)
  })

  test('a client passed in is used and left open', async () => {
    const client = new Redis(server.url)
    const s = redisStore({ client, prefix: 'own:' })
    const id = createSessionId()
    await s.set(id, rec({ a: 1 }), { ttl: 60_000 })
    await s.close()
    expect(await client.exists(`own:${id}`)).toBe(1)
    client.disconnect()
  })
})

describe('through the session middleware', () => {
  const info = { value: '' }
  const app: App = async (request, context) => {
    const s = await getSession<{ info: string }>(context)
    if (new URL(request.url).pathname === '/put') s.set('info', info.value)
    return new Response(s.get('info') ?? 'no-info')
  }

  matrix(
    "Paste's test_session on Redis",
    () => pipe(app, session({ store: store() })),
    async (fetch) => {
      expect(await (await fetch('/get')).text()).toBe('no-info')
      info.value = 'fluff'
      const put = await fetch('/put')
      const cookie = put.headers.getSetCookie()[0]!.split(';')[0]!
      expect(await (await fetch('/get', { headers: { cookie } })).text()).toBe('fluff')
      expect(await (await fetch('/get')).text()).toBe('no-info')
    },
    { logger: silentLogger },
  )
})
