import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type RedisServer, startRedis } from '@paste-tooling/testing'
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
const processes: ChildProcess[] = []
const urls: string[] = []

function startChild(url: string): Promise<string> {
  const proc = spawn(process.execPath, [child], {
    env: { ...process.env, REDIS_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  processes.push(proc)
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(
      () => reject(new Error(`child server did not start:\n${output}`)),
      15_000,
    )
    const collect = (chunk: Buffer) => {
      output += chunk
      const m = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    proc.stdout?.on('data', collect)
    proc.stderr?.on('data', collect)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`child server exited with ${code}:\n${output}`))
    })
  })
}

beforeAll(async () => {
  const missing = built.filter((f) => !existsSync(join(here, f)))
  if (missing.length > 0)
    throw new Error(
      `the two-process test runs the built packages; missing ${missing.join(', ')}: run "pnpm turbo run build --filter=@paste/session-redis..." first`,
    )
  redis = await startRedis()
  urls.push(...(await Promise.all([startChild(redis.url), startChild(redis.url)])))
}, 60_000)

afterAll(async () => {
  await Promise.all(
    processes.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null) return resolve()
          p.once('exit', () => resolve())
          p.kill('SIGTERM')
        }),
    ),
  )
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
