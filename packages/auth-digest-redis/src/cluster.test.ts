/*
 * The case this package exists for: @paste/httpserver with cluster workers behind one port,
 * a real client (curl --digest) logging in, and its exact Authorization header replayed on
 * new connections, which the primary hands to the workers in turn. With the Redis store
 * every worker refuses the replay; with each worker's own memory store (the control) the
 * worker that never saw the nonce accepts it.
 */
import { execFile } from 'node:child_process'
import { request } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDigestParams } from '@paste/auth-digest'
import {
  type ChildServer,
  type RedisServer,
  requireBuilt,
  startNodeServer,
  startRedis,
} from '@paste-tooling/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { answer } from '../test/digest.js'

const here = dirname(fileURLToPath(import.meta.url))
const script = join(here, '..', 'test', 'cluster-server.mjs')
const built = [
  '../dist/index.js',
  '../../auth-digest/dist/index.js',
  '../../httpserver/dist/index.js',
  '../../core/dist/index.js',
]
const SECRET = 'a-secret-every-worker-shares-0123'

let redis: RedisServer
const clusters: ChildServer[] = []

beforeAll(async () => {
  requireBuilt(here, built, '@paste/auth-digest-redis')
  redis = await startRedis()
}, 30_000)

afterAll(async () => {
  await Promise.all(clusters.map((cluster) => cluster.stop()))
  await redis?.stop()
})

/** Starts the two-worker server; resolves with its URL. */
async function startCluster(store: 'redis' | 'memory'): Promise<string> {
  const cluster = await startNodeServer(script, {
    NONCE_STORE: store,
    REDIS_URL: redis.url,
    DIGEST_SECRET: SECRET,
  })
  clusters.push(cluster)
  return cluster.url
}

/** curl --digest: returns the body and the Authorization header curl sent. */
function curlLogin(url: string): Promise<{ body: string; authorization: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      ['-s', '-v', '--digest', '-u', 'alice:wonderland', `${url}/`],
      (error, stdout, stderr) => {
        if (error) return reject(error)
        const sent = /^> Authorization: (Digest .*?)\r?$/m.exec(stderr)
        if (!sent) return reject(new Error(`curl sent no Digest credentials:\n${stderr}`))
        resolve({ body: stdout, authorization: sent[1]! })
      },
    )
  })
}

/** One GET on a new connection (so the primary picks the next worker). */
function once(url: string, authorization: string): Promise<{ status: number; worker: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/`, { agent: false, headers: { authorization } }, (res) => {
      res.resume()
      res.on('end', () =>
        resolve({ status: res.statusCode!, worker: String(res.headers['x-worker']) }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

async function replays(url: string, authorization: string) {
  const seen: { status: number; worker: string }[] = []
  for (let i = 0; i < 6; i++) seen.push(await once(url, authorization))
  return seen
}

describe('Digest replay across @paste/httpserver cluster workers (curl as the client)', () => {
  test('with the Redis store, no worker accepts a replay of credentials curl used', async () => {
    const url = await startCluster('redis')
    const { body, authorization } = await curlLogin(url)
    expect(body).toBe('alice\n')
    const seen = await replays(url, authorization)
    expect(new Set(seen.map((r) => r.worker)).size).toBe(2) // both workers were asked
    expect(seen.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401])
    // the same nonce with a higher count is accepted, on whichever worker
    const params = parseDigestParams(authorization)!
    const next = await answer(params, {
      user: 'alice',
      password: 'wonderland',
      uri: '/',
      nc: 2,
      cnonce: params.get('cnonce')!,
    })
    expect((await once(url, next)).status).toBe(200)
  }, 30_000)

  test('control: with per-worker memory stores, the other worker accepts the replay', async () => {
    const url = await startCluster('memory')
    const { authorization } = await curlLogin(url)
    const seen = await replays(url, authorization)
    expect(new Set(seen.map((r) => r.worker)).size).toBe(2)
    expect(seen.some((r) => r.status === 200)).toBe(true)
  }, 30_000)
})
