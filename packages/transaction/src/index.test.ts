import { type App, type Logger, pipe, silentLogger } from '@paste/core'
import { NotFound, SeeOther } from '@paste/httpexceptions'
import { inProcessFetch, matrix, type RedisServer, startRedis } from '@paste-tooling/testing'
import { type ChainableCommander, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  getConnection,
  type Transaction,
  transactionManager,
  transactions,
  withConnection,
} from './index.js'

// A real transactional resource: a Redis MULTI, executed on commit, discarded on rollback.
let redis: RedisServer
let client: Redis
beforeAll(async () => {
  redis = await startRedis()
  client = new Redis(redis.url)
}, 30_000)
afterAll(async () => {
  client?.disconnect()
  await redis?.stop()
})

interface Multi extends Transaction {
  queue: ChainableCommander
}
const begin = (): Multi => {
  const queue = client.multi()
  return {
    queue,
    commit: async () => {
      const results = await queue.exec()
      const failed = results?.find(([error]) => error)
      if (results === null || failed) throw failed?.[0] ?? new Error('MULTI aborted')
    },
    rollback: () => queue.discard(),
  }
}

/** Writes key=value in the request's MULTI, then answers by the path. */
const writer: App = async (request, context) => {
  const url = new URL(request.url)
  const key = url.searchParams.get('key')!
  getConnection<Multi>(context).queue.set(key, 'written')
  switch (url.pathname) {
    case '/ok':
      return new Response('stored')
    case '/not-found':
      return new Response('nope', { status: 404 })
    case '/crash':
      throw new Error('the app crashed after writing')
    case '/thrown-404':
      throw new NotFound()
    case '/thrown-redirect':
      throw new SeeOther('/done')
    case '/abort':
      transactionManager(context).abort()
      return new Response('fine, but aborted')
    default:
      return new Response('?')
  }
}

const site = () => pipe(writer, transactions(), withConnection(begin))

matrix(
  'a success commits before the answer; an error status, a crash or an abort rolls back',
  () => site(),
  async (fetch) => {
    const id = Math.random().toString(36).slice(2)
    const r = await fetch(`/ok?key=ok-${id}`)
    expect(await r.text()).toBe('stored')
    expect(await client.get(`ok-${id}`)).toBe('written') // committed before the client read it
    expect((await fetch(`/not-found?key=nf-${id}`)).status).toBe(404)
    expect(await client.get(`nf-${id}`)).toBeNull()
    expect((await fetch(`/abort?key=ab-${id}`)).status).toBe(200)
    expect(await client.get(`ab-${id}`)).toBeNull()
  },
  { logger: silentLogger },
)

describe('thrown errors', () => {
  const fetch = () => inProcessFetch(site(), { logger: silentLogger })

  test('a crash rolls back and goes on up', async () => {
    await expect(fetch()('/crash?key=crash')).rejects.toThrow('the app crashed after writing')
    expect(await client.get('crash')).toBeNull()
  })

  test('a thrown 404 rolls back; a thrown redirect commits (Paste: below 400 commits)', async () => {
    expect((await fetch()('/thrown-404?key=t404')).status).toBe(404)
    expect(await client.get('t404')).toBeNull()
    expect((await fetch()('/thrown-redirect?key=t303')).status).toBe(303)
    expect(await client.get('t303')).toBe('written')
  })
})

test('a commit that fails rolls back the rest and turns the success into a logged 500', async () => {
  const errors: string[] = []
  const logger: Logger = { ...silentLogger, error: (m: string) => void errors.push(m) }
  const order: string[] = []
  const failing: Transaction = {
    commit: () => {
      order.push('first commit fails')
      throw new Error('disk full')
    },
    rollback: () => order.push('first rolled back'),
  }
  const later: Transaction = {
    commit: () => order.push('second committed'),
    rollback: () => order.push('second rolled back'),
  }
  const app: App = (_request, context) => {
    transactionManager(context).join(failing)
    transactionManager(context).join(later)
    return new Response('all good')
  }
  const r = await inProcessFetch(pipe(app, transactions()), { logger })('/')
  expect(r.status).toBe(500)
  expect(await r.text()).not.toContain('all good')
  expect(order).toEqual(['first commit fails', 'second rolled back'])
  expect(errors).toEqual(['@paste/transaction: a commit failed; rolling back the rest'])
})

test('commitIf decides; a failing rollback is logged and the others still roll back', async () => {
  const errors: string[] = []
  const logger: Logger = { ...silentLogger, error: (m: string) => void errors.push(m) }
  const order: string[] = []
  const app: App = (_request, context) => {
    const m = transactionManager(context)
    m.join({
      commit: () => order.push('a commit'),
      rollback: () => {
        throw new Error('gone')
      },
    })
    m.join({ commit: () => order.push('b commit'), rollback: () => order.push('b rollback') })
    return new Response('accepted', { status: 202 })
  }
  const only200 = transactions({ commitIf: (response) => response.status === 200 })
  await inProcessFetch(pipe(app, only200), { logger })('/')
  expect(order).toEqual(['b rollback'])
  expect(errors).toEqual(['@paste/transaction: a rollback failed'])
})

test('misuse is refused clearly', async () => {
  const app: App = (_request, context) => {
    transactionManager(context).join({ commit: () => {} } as unknown as Transaction)
    return new Response('x')
  }
  await expect(inProcessFetch(pipe(app, transactions()))('/')).rejects.toThrow(
    /commit\(\) and rollback\(\)/,
  )
  const orphan = inProcessFetch(pipe(writer, withConnection(begin)))
  await expect(orphan('/ok?key=x')).rejects.toThrow(/transaction/)
  expect(() => transactions({ commitIf: 1 as never })).toThrow(/commitIf/)
})
