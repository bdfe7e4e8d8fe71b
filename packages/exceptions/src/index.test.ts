import { type App, pipe } from '@paste/core'
import { NotFound } from '@paste/httpexceptions'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { memoryLogger, recorder } from '../test/helpers.js'
import { type ErrorMiddlewareOptions, errorMiddleware } from './index.js'

const SECRET = 'token-9f3a-very-secret'

function failingApp(value: () => unknown): App {
  return async function failing() {
    await Promise.resolve()
    throw value()
  }
}

/** Builds the app under test and exposes its reporter and logger. */
function setup(app: App, options: ErrorMiddlewareOptions = {}) {
  const rec = recorder()
  const logger = memoryLogger()
  const make = () => pipe(app, errorMiddleware({ reporters: [rec], ...options }))
  return { rec, logger, make }
}

describe('production mode (default)', () => {
  const thrown = setup(failingApp(() => new Error(`db at /srv/app/db.sqlite rejected ${SECRET}`)))
  matrix(
    'a thrown Error is a generic 500 with an incident id, reported in full',
    thrown.make,
    async (fetch) => {
      const before = thrown.rec.reports.length
      const res = await fetch('/orders?api_key=k1', {
        headers: { accept: 'text/html', authorization: `Bearer ${SECRET}` },
      })
      expect(res.status).toBe(500)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(res.headers.get('cache-control')).toBe('no-store')
      const body = await res.text()
      const [report] = (await thrown.rec.next(before + 1)).slice(before)
      expect(body).toContain(report!.incident)
      for (const leak of [
        SECRET,
        '/srv/app',
        'db.sqlite',
        'Error:',
        ' at ',
        'index.test',
        'Bearer',
        'api_key',
      ])
        expect(body).not.toContain(leak)
      expect(report!.phase).toBe('response')
      expect(report!.errors[0]).toMatchObject({ name: 'Error', relation: 'thrown' })
      expect(report!.errors[0]!.message).toContain(SECRET)
      expect(report!.errors[0]!.frames[0]?.file).toMatch(/index\.test\.ts$/)
      expect(report!.errors[0]!.frames.map((f) => f.function)).toContain('failing')
      expect(report!.request.method).toBe('GET')
      expect(report!.request.url).toMatch(/\/orders\?api_key=%5Bredacted%5D$/)
      expect(Object.fromEntries(report!.request.headers).authorization).toBe('[redacted]')
    },
  )

  const rejected = setup(() => Promise.reject(new RangeError('out of range')))
  matrix(
    'a rejected promise is a 500 too; JSON and text by Accept',
    rejected.make,
    async (fetch) => {
      const json = await fetch('/', { headers: { accept: 'application/json' } })
      expect(json.status).toBe(500)
      const body = (await json.json()) as Record<string, unknown>
      expect(Object.keys(body).sort()).toEqual(['explanation', 'incident', 'status', 'title'])
      const text = await fetch('/', { headers: { accept: 'text/plain' } })
      expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8')
      expect(await text.text()).toMatch(
        /^500 Internal Server Error\n[\s\S]*Incident: [0-9a-f-]{36}\n$/,
      )
      const reports = await rejected.rec.next(2)
      expect(reports.at(-1)!.errors[0]!.name).toBe('RangeError')
      expect(reports.at(-1)!.incident).not.toBe(reports.at(-2)!.incident)
    },
  )

  test.each([
    ['a string', 'plain string thrown', 'Non-error value (string)'],
    ['null', null, 'Non-error value (null)'],
    ['an object', { code: 42 }, 'Non-error value (object)'],
    ['undefined', undefined, 'Non-error value (undefined)'],
  ])('throwing %s (not an Error) is a 500 and reported', async (_label, value, name) => {
    const { rec, make } = setup(failingApp(() => value))
    const [fetch] = [(await import('@paste-tooling/testing')).inProcessFetch(make())]
    const res = await fetch('/')
    expect(res.status).toBe(500)
    const [report] = await rec.next()
    expect(report!.errors[0]!.name).toBe(name)
    expect(report!.errors[0]!.frames).toEqual([])
  })

  test.each([
    [undefined, 'undefined'],
    ['text', 'a string'],
    [{ status: 200 }, 'an object ([object Object])'],
  ])('an app returning %j (not a Response) is a reported 500', async (value, described) => {
    const { rec, make } = setup(() => value as unknown as Response)
    const { inProcessFetch } = await import('@paste-tooling/testing')
    const res = await inProcessFetch(make())('/')
    expect(res.status).toBe(500)
    const [report] = await rec.next()
    expect(report!.errors[0]!.message).toBe(
      `@paste/exceptions: the app returned ${described}, not a Response`,
    )
  })

  test('a HEAD request gets the 500 without a body', async () => {
    const { make } = setup(failingApp(() => new Error('x')))
    const { inProcessFetch } = await import('@paste-tooling/testing')
    const res = await inProcessFetch(make())('/', { method: 'HEAD' })
    expect(res.status).toBe(500)
    expect(res.body).toBeNull()
  })
})

describe('HTTP errors', () => {
  const passing = setup(() => {
    throw new NotFound({ detail: 'no such order' })
  })
  matrix('pass through unchanged and are not reported', passing.make, async (fetch) => {
    const res = await fetch('/x', { headers: { accept: 'text/plain' } })
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('no such order')
    await new Promise((r) => setTimeout(r, 20))
    expect(passing.rec.reports).toHaveLength(0)
  })

  test('are rethrown as the same object, or rendered with renderHttpErrors', async () => {
    const error = new NotFound()
    const { createContext } = await import('@paste/core')
    const request = new Request('http://h/')
    const app = errorMiddleware()(() => {
      throw error
    })
    await expect(app(request, createContext(request))).rejects.toBe(error)
    const rendering = errorMiddleware({ renderHttpErrors: true })(() => {
      throw error
    })
    expect((await rendering(request, createContext(request))).status).toBe(404)
  })
})

describe('options', () => {
  test.each([
    [{ debug: 'true' }, /debug must be a boolean/],
    [{ sourceContext: -1 }, /sourceContext must be an integer >= 0/],
    [{ maxFrames: 0 }, /maxFrames/],
    [{ reporterTimeout: 1.5 }, /reporterTimeout/],
    [{ reporters: [{}] }, /reporters must have a report\(\) method/],
    [{ secretPattern: 'token' }, /secretPattern must be a RegExp/],
  ])('%j throws a TypeError naming the package and option', (options, message) => {
    expect(() => errorMiddleware(options as never)).toThrow(TypeError)
    expect(() => errorMiddleware(options as never)).toThrow(message)
  })

  test('the caller’s options object is not changed', () => {
    const options = Object.freeze({ debug: false, reporters: Object.freeze([recorder()]) })
    expect(() => errorMiddleware(options)).not.toThrow()
  })
})
