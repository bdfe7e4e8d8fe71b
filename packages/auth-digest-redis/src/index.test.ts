import { type AuthDigestOptions, authDigest, parseDigestParams } from '@paste/auth-digest'
import { type App, type Logger, silentLogger } from '@paste/core'
import { inProcessFetch, matrix, type RedisServer, startRedis } from '@paste-tooling/testing'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { answer } from '../test/digest.js'
import { type RedisNonceStore, redisNonceStore } from './index.js'

let redis: RedisServer
let admin: Redis
const stores: RedisNonceStore[] = []

beforeAll(async () => {
  redis = await startRedis()
  admin = new Redis(redis.url)
}, 30_000)

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()))
  admin?.disconnect()
  await redis?.stop()
})

function store(options: Parameters<typeof redisNonceStore>[0] = {}): RedisNonceStore {
  const s = redisNonceStore({ url: redis.url, logger: silentLogger, ...options })
  stores.push(s)
  return s
}

const live = (ms = 300_000) => ({ issuedAt: Date.now(), expiresAt: Date.now() + ms })

describe('redisNonceStore against a real redis-server', () => {
  test('a count is accepted only when above every count seen for its nonce', async () => {
    const s = store({ prefix: 'order:' })
    expect(await s.check('n1', 1, live())).toBe(true)
    expect(await s.check('n1', 1, live())).toBe(false) // replayed
    expect(await s.check('n1', 5, live())).toBe(true) // a client may skip counts
    expect(await s.check('n1', 4, live())).toBe(false) // but never go back
    expect(await s.check('n2', 1, live())).toBe(true) // nonces are independent
    expect(await admin.get('order:n1')).toBe('5')
  })

  test('every process sees the counts: a replay through another client is refused', async () => {
    const a = store({ prefix: 'shared:' })
    const b = store({ prefix: 'shared:' })
    expect(await a.check('n', 1, live())).toBe(true)
    expect(await b.check('n', 1, live())).toBe(false)
    expect(await b.check('n', 2, live())).toBe(true)
    expect(await a.check('n', 2, live())).toBe(false)
  })

  test('concurrent checks of one count from eight clients: exactly one acceptance', async () => {
    const clients = Array.from({ length: 8 }, () => store({ prefix: 'race:' }))
    for (let nc = 1; nc <= 5; nc++) {
      const results = await Promise.all(
        clients.flatMap((s) => [s.check('raced', nc, live()), s.check('raced', nc, live())]),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    }
  })

  test('a key lives until its nonce is stale plus the skew margin, then goes', async () => {
    const s = store({ prefix: 'ttl:', skewMs: 1000 })
    expect(await s.check('short', 1, live(500))).toBe(true)
    const ttl = await admin.pttl('ttl:short')
    expect(ttl).toBeGreaterThan(1200)
    expect(ttl).toBeLessThanOrEqual(1500)
    const long = store({ prefix: 'ttl:' }) // default skew: 120 s
    expect(await long.check('long', 1, live(300_000))).toBe(true)
    expect(await admin.pttl('ttl:long')).toBeGreaterThan(419_000)
  })

  test('a nonce stale beyond the skew margin is refused and nothing is written', async () => {
    const s = store({ prefix: 'stale:', skewMs: 1000 })
    const past = { issuedAt: Date.now() - 10_000, expiresAt: Date.now() - 5000 }
    expect(await s.check('old', 1, past)).toBe(false)
    expect(await admin.exists('stale:old')).toBe(0)
  })

  test('prefixes keep realms or applications apart', async () => {
    const a = store({ prefix: 'app-a:' })
    const b = store({ prefix: 'app-b:' })
    expect(await a.check('same', 1, live())).toBe(true)
    expect(await b.check('same', 1, live())).toBe(true)
  })

  test('a nonce full of protocol bytes is one literal key, never a command', async () => {
    const s = store({ prefix: 'raw:' })
    const nasty = 'x\r\n*1\r\n$8\r\nFLUSHALL\r\n "*?[]'
    await admin.set('raw:canary', 'alive')
    expect(await s.check(nasty, 1, live())).toBe(true)
    expect(await s.check(nasty, 1, live())).toBe(false)
    expect(await admin.get(`raw:${nasty}`)).toBe('1')
    expect(await admin.get('raw:canary')).toBe('alive')
  })

  test('malformed arguments are refused before Redis is asked', async () => {
    const s = store({ prefix: 'bad:' })
    const cases: [string, number, { issuedAt: number; expiresAt: number }][] = [
      ['', 1, live()],
      ['n'.repeat(513), 1, live()],
      ['n', 0, live()],
      ['n', -1, live()],
      ['n', 1.5, live()],
      ['n', 2 ** 32, live()],
      ['n', Number.NaN, live()],
      ['n', 1, { issuedAt: 0, expiresAt: Number.NaN }],
    ]
    for (const [nonce, nc, info] of cases)
      await expect(s.check(nonce, nc, info)).rejects.toThrow(/@paste\/auth-digest-redis/)
    expect(await admin.keys('bad:*')).toEqual([])
  })

  test('options are checked when the store is made', () => {
    expect(() => redisNonceStore({})).toThrow(/exactly one of client and url/)
    expect(() => redisNonceStore({ url: redis.url, client: admin })).toThrow(/exactly one/)
    expect(() => redisNonceStore({ client: admin, skewMs: -1 })).toThrow(/skewMs/)
    expect(() => redisNonceStore({ client: admin, commandTimeout: 0 })).toThrow(/commandTimeout/)
  })

  test('a client you pass is used and left open; a client the store made is closed', async () => {
    const mine = new Redis(redis.url)
    const s = redisNonceStore({ client: mine, prefix: 'own:' })
    expect(s.client).toBe(mine)
    expect(await s.check('n', 1, live())).toBe(true)
    await s.close()
    expect(await mine.ping()).toBe('PONG')
    mine.disconnect()
    const made = redisNonceStore({ url: redis.url, logger: silentLogger })
    expect(await made.check('made', 1, live())).toBe(true)
    await made.close()
    expect(made.client.status).toBe('end')
  })
})

const realm = 'redis-digest'
const users = { alice: 'wonderland' }
const secret = 'one-secret-shared-by-every-process'
const whoami: App = (_request, context) => new Response(`${context.remoteUser}\n`)
const protect = (nonceStore: RedisNonceStore, options: Partial<AuthDigestOptions> = {}) =>
  authDigest({ realm, users, secret, nonceStore, ...options } as AuthDigestOptions)(whoami)

/** Logs in through `fetch` and returns the Authorization header that worked. */
async function login(fetch: (path: string, init?: RequestInit) => Promise<Response>) {
  const first = await fetch('/')
  expect(first.status).toBe(401)
  const challenge = parseDigestParams(
    first.headers.get('www-authenticate')!.split(/, (?=Digest )/)[0]!,
  )!
  const header = await answer(challenge, { user: 'alice', password: 'wonderland', uri: '/', nc: 1 })
  const ok = await fetch('/', { headers: { authorization: header } })
  expect(ok.status).toBe(200)
  expect(await ok.text()).toBe('alice\n')
  return { challenge, header }
}

describe('authDigest with a Redis nonce store, in process and through a real server', () => {
  // two middleware instances, each with its own client: what two processes would have
  let first: RedisNonceStore
  let second: RedisNonceStore
  beforeAll(() => {
    first = store({ prefix: 'mw:' })
    second = store({ prefix: 'mw:' })
  })

  matrix(
    'credentials accepted by one instance are refused when replayed to the other',
    () => protect(first),
    async (fetch) => {
      const { challenge, header } = await login(fetch)
      const other = inProcessFetch(protect(second), { logger: silentLogger })
      const replay = await other('/', { headers: { authorization: header } })
      expect(replay.status).toBe(401)
      expect(replay.headers.get('www-authenticate')).toContain('stale=true')
      expect(await replay.text()).not.toContain('alice')
      // the same nonce with the next count is fine on either instance
      const next = await answer(challenge, {
        user: 'alice',
        password: 'wonderland',
        uri: '/',
        nc: 2,
      })
      expect((await other('/', { headers: { authorization: next } })).status).toBe(200)
      expect((await fetch('/', { headers: { authorization: next } })).status).toBe(401)
    },
    { logger: silentLogger },
  )
})

describe('when Redis fails', () => {
  test('valid credentials get a 503, logged, never a 200 or a 401; service resumes after', async () => {
    const down = await startRedis()
    const errors: unknown[][] = []
    const logger: Logger = {
      ...silentLogger,
      error: (...args: unknown[]) => void errors.push(args),
    }
    const s = redisNonceStore({ url: down.url, commandTimeout: 500, logger: silentLogger })
    stores.push(s)
    try {
      const fetch = inProcessFetch(protect(s), { logger })
      const { challenge } = await login(fetch)
      await down.kill()
      const header = await answer(challenge, {
        user: 'alice',
        password: 'wonderland',
        uri: '/',
        nc: 2,
      })
      const refused = await fetch('/', { headers: { authorization: header } })
      expect(refused.status).toBe(503)
      expect(refused.headers.get('retry-after')).toBe('1')
      expect(await refused.text()).not.toContain('alice')
      expect(errors.some(([message]) => String(message).includes('nonce store failed'))).toBe(true)
      // a wrong password is still a plain 401: the store is never asked for it
      const wrong = await answer(challenge, { user: 'alice', password: 'nope', uri: '/', nc: 3 })
      expect((await fetch('/', { headers: { authorization: wrong } })).status).toBe(401)
      await down.restart()
      let status = 0
      for (let nc = 4; nc < 60 && status !== 200; nc++) {
        const retry = await answer(challenge, {
          user: 'alice',
          password: 'wonderland',
          uri: '/',
          nc,
        })
        status = (await fetch('/', { headers: { authorization: retry } })).status
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(status).toBe(200)
    } finally {
      await down.stop()
    }
  }, 30_000)
})
