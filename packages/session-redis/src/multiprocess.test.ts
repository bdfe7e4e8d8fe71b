import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type ChildServer,
  type RedisServer,
  requireBuilt,
  startNodeServer,
  startRedis,
} from '@paste-tooling/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const child = join(here, '..', 'test', 'child-server.mjs')
const built = [
  '../dist/index.js',
  '../../session/dist/index.js',
  '../../httpserver/dist/index.js',
  '../../core/dist/index.js',
]

let redis: RedisServer
const servers: ChildServer[] = []
const urls: string[] = []

beforeAll(async () => {
  requireBuilt(here, built, '@paste/session-redis')
  redis = await startRedis()
  for (const server of await Promise.all([
    startNodeServer(child, { REDIS_URL: redis.url }),
    startNodeServer(child, { REDIS_URL: redis.url }),
  ])) {
    servers.push(server)
    urls.push(server.url)
  }
}, 60_000)

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()))
  await redis?.stop()
})

/** A browser: one cookie jar across both servers (as behind a load balancer). */
function browser() {
  let cookie = ''
  return async (server: number, path: string) => {
    const response = await fetch(urls[server]! + path, { headers: cookie ? { cookie } : {} })
    for (const set of response.headers.getSetCookie()) {
      const pair = set.split(';')[0]!
      cookie = /max-age=0/i.test(set) ? '' : pair
    }
    expect(response.status).toBe(200)
    return (await response.json()) as { pid: number; data: Record<string, unknown> }
  }
}

describe('two server processes sharing sessions through one Redis', () => {
  test('a login on one process is seen by the other; logout on the other ends it', async () => {
    const b = browser()
    const login = await b(0, '/login?user=alice')
    const seen = await b(1, '/')
    expect(seen.pid).not.toBe(login.pid)
    expect(seen.data).toEqual({ user: 'alice' })
    await b(1, '/set?theme=dark')
    expect((await b(0, '/')).data).toEqual({ user: 'alice', theme: 'dark' })
    await b(1, '/logout')
    expect((await b(0, '/')).data).toEqual({})
  })

  test('concurrent writers on both processes lose no update (compare-and-set + merge)', async () => {
    const b = browser()
    await b(0, '/login?user=bob')
    const writes = Array.from({ length: 12 }, (_, i) => b(i % 2, `/set?k${i}=${i}&delay=100`))
    const results = await Promise.all(writes)
    expect(new Set(results.map((r) => r.pid)).size).toBe(2)
    const data = (await b(1, '/')).data
    expect(data.user).toBe('bob')
    for (let i = 0; i < 12; i++) expect(data[`k${i}`]).toBe(String(i))
  })
})
