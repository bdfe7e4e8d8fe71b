import { type App, createContext, pipe } from '@paste/core'
import { Forbidden, httpExceptions, InternalServerError, NotFound } from '@paste/httpexceptions'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { cascade } from './index.js'

const answer =
  (status: number, text: string): App =>
  () =>
    new Response(text, { status })
const thrower =
  (make: () => Error): App =>
  () => {
    throw make()
  }
const echoBody =
  (name: string, status: number): App =>
  async (request) =>
    new Response(`${name}:${await request.text()}`, { status })

matrix(
  'Paste Cascade: the first answer that is not 404 wins',
  () => cascade([answer(404, 'a'), answer(200, 'b'), answer(200, 'c')]),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('b')
  },
)

matrix(
  "when all apps fail, the last app's failure stands",
  () => cascade([answer(404, 'a'), answer(404, 'last')]),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.status).toBe(404)
    expect(await response.text()).toBe('last')
  },
)

matrix(
  'catch lists several statuses; others stop the cascade',
  () =>
    cascade([answer(404, 'a'), answer(500, 'b'), answer(403, 'c'), answer(200, 'd')], {
      catch: [404, 500],
    }),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.status).toBe(403)
    expect(await response.text()).toBe('c')
  },
)

matrix(
  'thrown HTTP exceptions with a caught status count as that answer',
  () =>
    pipe(
      cascade(
        [
          thrower(() => new NotFound()),
          thrower(() => new InternalServerError()),
          answer(200, 'ok'),
        ],
        { catch: [404, 500] },
      ),
      httpExceptions({ logServerErrors: false }),
    ),
  async (fetch) => {
    expect(await (await fetch('/')).text()).toBe('ok')
  },
)

matrix(
  'an uncaught thrown exception stops the cascade',
  () => pipe(cascade([thrower(() => new Forbidden()), answer(200, 'never')]), httpExceptions()),
  async (fetch) => {
    expect((await fetch('/')).status).toBe(403)
  },
)

matrix(
  "the last app's thrown exception propagates",
  () => pipe(cascade([answer(404, 'a'), thrower(() => new NotFound('really'))]), httpExceptions()),
  async (fetch) => {
    const response = await fetch('/', { headers: { accept: 'text/plain' } })
    expect(response.status).toBe(404)
    expect(await response.text()).toContain('really')
  },
)

test('a non-HTTP error propagates unchanged', async () => {
  const boom = new Error('boom')
  const app = cascade([thrower(() => boom), answer(200, 'never')])
  const request = new Request('http://localhost/')
  await expect(app(request, createContext(request))).rejects.toBe(boom)
})

test('discarded responses are cancelled (no leaked streams)', async () => {
  const cancelled: string[] = []
  const streaming =
    (name: string, status: number): App =>
    () =>
      new Response(
        new ReadableStream({
          pull: (c) => c.enqueue(new TextEncoder().encode(name)),
          cancel: () => {
            cancelled.push(name)
          },
        }),
        { status },
      )
  const app = cascade([streaming('a', 404), streaming('b', 404), answer(200, 'c')])
  const request = new Request('http://localhost/')
  expect(await (await app(request, createContext(request))).text()).toBe('c')
  await new Promise((r) => setTimeout(r, 10))
  expect(cancelled).toEqual(['a', 'b'])
})

matrix(
  'every app reads the same request body',
  () => cascade([echoBody('a', 404), echoBody('b', 404), echoBody('c', 200)]),
  async (fetch) => {
    const response = await fetch('/', { method: 'POST', body: 'hello body' })
    expect(await response.text()).toBe('c:hello body')
  },
)

test('apps that read part, or none, of the body do not disturb the next', async () => {
  const seen: string[] = []
  const partial: App = async (request) => {
    const reader = request.body!.getReader()
    const first = await reader.read()
    seen.push(new TextDecoder().decode(first.value).slice(0, 3))
    return new Response(null, { status: 404 })
  }
  const ignore: App = () => new Response(null, { status: 404 })
  const full: App = async (request) => new Response(await request.text())
  const app = cascade([ignore, partial, ignore, full])
  const body = 'x'.repeat(200_000)
  const request = new Request('http://localhost/', { method: 'POST', body })
  expect(await (await app(request, createContext(request))).text()).toBe(body)
  expect(seen).toEqual(['xxx'])
})

test('GET requests are passed as they are', async () => {
  const seen: Request[] = []
  const app = cascade([
    (r) => {
      seen.push(r)
      return new Response(null, { status: 404 })
    },
    (r) => {
      seen.push(r)
      return new Response('ok')
    },
  ])
  const request = new Request('http://localhost/')
  await app(request, createContext(request))
  expect(seen).toEqual([request, request])
})

test('a superseded app can no longer read the body', async () => {
  let late: ReadableStreamDefaultReader<Uint8Array> | undefined
  const app = cascade([
    (r) => {
      late = r.body!.getReader()
      return new Response(null, { status: 404 })
    },
    async (r) => new Response(await r.text()),
  ])
  const request = new Request('http://localhost/', { method: 'POST', body: 'abc' })
  expect(await (await app(request, createContext(request))).text()).toBe('abc')
  await expect(late!.read()).rejects.toThrow(/superseded/)
})

describe('limits', () => {
  matrix(
    'the last app may read past the limit: its reads are not kept',
    () => cascade([echoBody('a', 404), echoBody('b', 200)], { maxBodyBytes: 100 }),
    async (fetch) => {
      const response = await fetch('/', { method: 'POST', body: 'x'.repeat(101) })
      // app a read 101 bytes to record: over the limit
      expect(response.status).toBe(413)
      expect(await response.text()).toContain('The limit is 100 bytes')
    },
  )

  test('a body only the last app reads is not limited', async () => {
    const app = cascade(
      [() => new Response(null, { status: 404 }), async (r) => new Response(await r.text())],
      {
        maxBodyBytes: 10,
      },
    )
    const request = new Request('http://localhost/', { method: 'POST', body: 'y'.repeat(1000) })
    const response = await app(request, createContext(request))
    expect(response.status).toBe(200)
    expect((await response.text()).length).toBe(1000)
  })

  matrix(
    'a streamed body over the limit is a 413 whatever the apps do with the error',
    () => {
      const swallow: App = async (request) => {
        try {
          await request.arrayBuffer()
          return new Response('read it all')
        } catch {
          return new Response('swallowed', { status: 200 })
        }
      }
      return cascade([swallow, answer(200, 'never')], { maxBodyBytes: 1000 })
    },
    async (fetch) => {
      const chunks = [new Uint8Array(600), new Uint8Array(600)]
      const body = new ReadableStream({
        pull: (c) => (chunks.length ? c.enqueue(chunks.shift()!) : c.close()),
      })
      const response = await fetch('/', { method: 'POST', body, duplex: 'half' } as RequestInit)
      expect(response.status).toBe(413)
      await response.body?.cancel()
    },
  )

  test('bad options throw TypeError naming the package', () => {
    expect(() => cascade([])).toThrow(/@paste\/cascade: apps/)
    expect(() => cascade([answer(200, 'x')], { catch: [99] })).toThrow(/catch/)
    expect(() => cascade([answer(200, 'x')], { maxBodyBytes: -1 })).toThrow(/maxBodyBytes/)
    expect(() => cascade([answer(200, 'x')], { memoryBytes: 1.5 })).toThrow(/memoryBytes/)
    expect(() => cascade([answer(200, 'x')], { spill: {} as never })).toThrow(/spill/)
  })
})
