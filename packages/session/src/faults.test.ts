import { type App, pipe } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import { describe, expect } from 'vitest'
import { cookieClient, faultyStore, recordingLogger } from '../test/helpers.js'
import { getSession, memoryStore, SessionUnavailableError, session } from './index.js'

// the context's logger (one for the whole file: matrix takes it at registration time)
const log = recordingLogger()
const opts = { logger: log.logger }

function setup(extra: { storeTimeout?: number; failureStatus?: 500 | 503 } = {}) {
  const faulty = faultyStore(memoryStore())
  log.entries.length = 0
  const app: App = async (request, context) => {
    const s = await getSession(context)
    if (new URL(request.url).pathname === '/write') s.set('n', ((s.get('n') as number) ?? 0) + 1)
    if (new URL(request.url).pathname === '/big') s.set('big', 10n)
    if (new URL(request.url).pathname === '/logout') await s.destroy()
    return new Response(`n=${String(s.get('n'))}`)
  }
  return { ...faulty, log, app: pipe(app, session({ store: faulty.store, ...extra })) }
}

function expectPlain5xx(response: Response, status: number, body: string): void {
  expect(response.status).toBe(status)
  expect(response.headers.getSetCookie()).toEqual([])
  expect(body).not.toMatch(/disk on fire|BigInt|TypeError|at .*\.ts/)
}

describe('store faults', () => {
  let s = setup()
  matrix(
    'a store error while loading answers 503, logs the cause, sets no cookie',
    () => {
      s = setup()
      return s.app
    },
    async (fetch) => {
      const client = cookieClient(fetch)
      await client('/write')
      s.mode.get = 'fail'
      const response = await client('/write')
      expectPlain5xx(response, 503, await response.text())
      const entry = s.log.entries.find((e) => e.level === 'error')
      expect(entry?.message).toMatch(/store get failed/)
      expect(String((entry?.details?.error as Error).message)).toMatch(/disk on fire/)
      s.mode.get = 'ok'
      expect(await (await client('/')).text()).toBe('n=1')
    },
    opts,
  )

  matrix(
    'a failed save turns the response into a 503, never a 200',
    () => {
      s = setup()
      return s.app
    },
    async (fetch) => {
      const client = cookieClient(fetch)
      await client('/write')
      s.mode.set = 'fail'
      const response = await client('/write')
      expectPlain5xx(response, 503, await response.text())
      expect(
        s.log.entries.some((e) => e.level === 'error' && /store set failed/.test(e.message)),
      ).toBe(true)
      s.mode.set = 'ok'
      expect(await (await client('/')).text()).toBe('n=1')
    },
    opts,
  )

  matrix(
    'a value that cannot be stored fails the save with a logged 500',
    () => {
      s = setup({ failureStatus: 500 })
      return s.app
    },
    async (fetch) => {
      const response = await fetch('/big')
      expectPlain5xx(response, 500, await response.text())
      expect(s.log.entries.some((e) => /save failed/.test(e.message))).toBe(true)
    },
    opts,
  )

  matrix(
    'a hanging store is cut off by storeTimeout',
    () => {
      s = setup({ storeTimeout: 100 })
      return s.app
    },
    async (fetch) => {
      const client = cookieClient(fetch)
      await client('/write')
      s.mode.get = 'hang'
      const started = Date.now()
      const response = await client('/')
      expectPlain5xx(response, 503, await response.text())
      expect(Date.now() - started).toBeLessThan(5000)
      const entry = s.log.entries.find((e) => e.level === 'error')
      expect((entry?.details?.error as Error).name).toBe('StoreTimeoutError')
      s.mode.get = 'ok'
      s.mode.set = 'hang'
      const saved = await client('/write')
      expectPlain5xx(saved, 503, await saved.text())
    },
    opts,
  )

  matrix(
    'a failed destroy (logout) is a 503, and the session is not dropped silently',
    () => {
      s = setup()
      return s.app
    },
    async (fetch) => {
      const client = cookieClient(fetch)
      await client('/write')
      s.mode.destroy = 'fail'
      const response = await client('/logout')
      expectPlain5xx(response, 503, await response.text())
      s.mode.destroy = 'ok'
      expect(await (await client('/')).text()).toBe('n=1')
    },
    opts,
  )

  matrix(
    'an app that catches the load error and answers anyway gets no cookie and no write',
    () => {
      s = setup()
      return pipe(
        async (_r: Request, context) => {
          try {
            await getSession(context)
            return new Response('loaded')
          } catch (error) {
            expect(error).toBeInstanceOf(SessionUnavailableError)
            return new Response('degraded')
          }
        },
        session({ store: s.store }),
      )
    },
    async (fetch) => {
      s.mode.get = 'fail'
      const response = await fetch('/', { headers: { cookie: `sid=${'A'.repeat(42)}E` } })
      expect(await response.text()).toBe('degraded')
      expect(response.headers.getSetCookie()).toEqual([])
    },
    opts,
  )
})
