import { type App, pipe, silentLogger } from '@paste/core'
import { createSessionId, getSession, session } from '@paste/session'
import { storeConformance } from '@paste/session/conformance'
import { matrix, startRedisCluster } from '@paste-tooling/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RedisStore, redisStore } from './index.js'

let cluster: Awaited<ReturnType<typeof startRedisCluster>>
const stores: RedisStore[] = []
let n = 0
function store(): RedisStore {
  const s = redisStore({
    cluster: { nodes: [{ host: '127.0.0.1', port: cluster.nodes[0]!.port }] },
    prefix: `c${n++}:`,
    logger: silentLogger,
  })
  stores.push(s)
  return s
}

beforeAll(async () => {
  cluster = await startRedisCluster(3)
}, 60_000)
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()))
  await cluster?.stop()
})

describe('redisStore on a real 3-master Redis Cluster', () => {
  for (const { name, run } of storeConformance(() => store())) test(name, run)

  test('sessions spread over the masters are all found by length()', async () => {
    const s = store()
    for (let i = 0; i < 30; i++)
      await s.set(
        createSessionId(),
        { data: { i }, version: 1, createdAt: 0, touchedAt: 0 },
        { ttl: 60_000 },
      )
    expect(await s.length()).toBe(30)
  })

  const app: App = async (request, context) => {
    const s = await getSession<{ n: number }>(context)
    if (new URL(request.url).pathname === '/write') s.set('n', (s.get('n') ?? 0) + 1)
    return new Response(`n=${s.get('n') ?? 0}`)
  }
  matrix(
    'the session middleware on a cluster',
    () => pipe(app, session({ store: store() })),
    async (fetch) => {
      const first = await fetch('/write')
      const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!
      expect(await (await fetch('/write', { headers: { cookie } })).text()).toBe('n=2')
      expect(await (await fetch('/', { headers: { cookie } })).text()).toBe('n=2')
    },
    { logger: silentLogger },
  )
})
