import { setTimeout as sleep } from 'node:timers/promises'
import { type App, type Logger, pipe, silentLogger } from '@paste/core'
import { urlMap } from '@paste/urlmap'
import { startServer } from '@paste-tooling/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { type WatchRequests, watchRequests } from './index.js'

const watchers: WatchRequests[] = []
afterAll(() => {
  for (const w of watchers) w.close()
})

/** A site with a slow endpoint that honours its context signal. */
function site(options: Parameters<typeof watchRequests>[0] = {}, logger: Logger = silentLogger) {
  const watch = watchRequests(options)
  watchers.push(watch)
  const outcomes: string[] = []
  const slow: App = async (_request, context) => {
    try {
      await sleep(10_000, undefined, { signal: context.signal })
      outcomes.push('finished')
      return new Response('slow done')
    } catch {
      outcomes.push('stopped by its signal')
      return new Response('too late')
    }
  }
  const app = pipe(
    urlMap({ '/_watch': watch.app, '/slow': slow, '/': () => new Response('quick') }),
    watch.middleware,
  )
  return { watch, outcomes, app, logger }
}

async function listed(server: { fetch: (p: string, i?: RequestInit) => Promise<Response> }) {
  const r = await server.fetch('/_watch', { headers: { accept: 'application/json' } })
  expect(r.headers.get('cache-control')).toBe('no-store')
  return (await r.json()) as {
    requests: { id: number; url: string; method: string; ageMs: number }[]
    eventLoop: { delayMaxMs: number }
  }
}

describe('the list of requests in flight', () => {
  test('shows running requests (URL escaped in HTML), and forgets finished ones', async () => {
    const { app } = site()
    const server = await startServer(app, { logger: silentLogger })
    const controller = new AbortController()
    try {
      const pending = [1, 2].map((n) =>
        server
          .fetch(`/slow?n=${n}&x=<script>alert(${n})</script>`, { signal: controller.signal })
          .catch(() => undefined),
      )
      await server.fetch('/') // a quick one: done before the list is asked
      await sleep(100)
      const data = await listed(server)
      const slow = data.requests.filter((r) => r.url.startsWith('/slow'))
      expect(slow.map((r) => r.url).sort()).toEqual([
        '/slow?n=1&x=%3Cscript%3Ealert(1)%3C/script%3E',
        '/slow?n=2&x=%3Cscript%3Ealert(2)%3C/script%3E',
      ])
      expect(slow.every((r) => r.method === 'GET' && r.ageMs >= 50)).toBe(true)
      expect(data.requests.some((r) => r.url === '/')).toBe(false)
      const html = await (await server.fetch('/_watch')).text()
      expect(html).toContain('Requests in flight: 3') // the two slow ones and this page
      expect(html).not.toContain('<script>alert')
      controller.abort()
      await Promise.all(pending)
      for (let i = 0; i < 50 && (await listed(server)).requests.length > 1; i++) await sleep(20)
      expect((await listed(server)).requests.map((r) => r.url)).toEqual(['/_watch'])
    } finally {
      await server.close()
    }
  })

  test('a blocked event loop shows in the delay figures', async () => {
    const { app } = site()
    const server = await startServer(app, { logger: silentLogger })
    try {
      await sleep(50) // the sampler is running
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          const until = Date.now() + 250
          while (Date.now() < until) {} // a long synchronous task
          resolve()
        }, 10),
      )
      await sleep(100)
      expect((await listed(server)).eventLoop.delayMaxMs).toBeGreaterThan(150)
    } finally {
      await server.close()
    }
  })
})

describe('aborting a request (allowAbort)', () => {
  async function formOf(server: { fetch: (p: string, i?: RequestInit) => Promise<Response> }) {
    const html = await (await server.fetch('/_watch')).text()
    const m = /name="id" value="(\d+)">[\s\S]*?name="token" value="([\w-]+)"/.exec(html)
    return { id: m![1]!, token: m![2]! }
  }

  test('the client gets a 503 at once, the app sees its signal, the operator is logged', async () => {
    const warnings: string[] = []
    const logger: Logger = { ...silentLogger, warn: (m: string) => void warnings.push(m) }
    const { app, outcomes } = site({ allowAbort: true })
    const server = await startServer(app, { logger })
    try {
      const slow = server.fetch('/slow?stuck=1')
      await sleep(100)
      const { id, token } = await formOf(server)
      const started = Date.now()
      const r = await server.fetch('/_watch/abort', {
        method: 'POST',
        body: new URLSearchParams({ id, token }),
      })
      expect(r.status).toBe(200)
      expect(await r.text()).toContain(`Request ${id} aborted.`)
      const answer = await slow
      expect(answer.status).toBe(503)
      expect(Date.now() - started).toBeLessThan(2000)
      for (let i = 0; i < 50 && outcomes.length === 0; i++) await sleep(10)
      expect(outcomes).toEqual(['stopped by its signal'])
      expect(warnings).toEqual(['@paste/debug-watch: a request was aborted by an operator'])
    } finally {
      await server.close()
    }
  })

  test('no token, a wrong token, or a cross-site request: 403, and nothing is aborted', async () => {
    const { app, outcomes } = site({ allowAbort: true })
    const server = await startServer(app, { logger: silentLogger })
    const controller = new AbortController()
    try {
      const slow = server.fetch('/slow', { signal: controller.signal }).catch(() => undefined)
      await sleep(100)
      const { id, token } = await formOf(server)
      const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
        server.fetch('/_watch/abort', { method: 'POST', body: new URLSearchParams(body), headers })
      expect((await post({ id })).status).toBe(403)
      expect((await post({ id, token: `${token}x` })).status).toBe(403)
      expect((await post({ id, token }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
      expect((await server.fetch('/_watch/abort')).status).toBe(405)
      expect(await (await post({ id: '999999', token })).text()).toContain('is not running')
      expect(outcomes).toEqual([])
      controller.abort()
      await slow
    } finally {
      await server.close()
    }
  })

  test('without allowAbort there is no button and the abort URL is refused', async () => {
    const { app } = site()
    const server = await startServer(app, { logger: silentLogger })
    try {
      expect(await (await server.fetch('/_watch')).text()).not.toContain('<form')
      const r = await server.fetch('/_watch/abort', { method: 'POST', body: 'id=1&token=x' })
      expect(r.status).toBe(403)
    } finally {
      await server.close()
    }
  })
})
