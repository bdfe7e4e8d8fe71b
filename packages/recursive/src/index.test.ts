import {
  type App,
  type Context,
  createContext,
  createKey,
  type Middleware,
  pipe,
  silentLogger,
} from '@paste/core'
import { httpExceptions, NotFound } from '@paste/httpexceptions'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { ForwardRequest, forwarderKey, InternalRedirect, recursive } from './index.js'

const text = (body: string, status = 200): Response =>
  new Response(body, { status, headers: { 'content-type': 'text/plain' } })

/** Paste test_recursive's error_docs_app. */
const errorDocsApp: App = (_request, context) => {
  if (context.pathInfo === '/not_found') return text('Not found', 404)
  if (context.pathInfo === '/error') return text('Page not found')
  if (context.pathInfo === '/recurse') throw new ForwardRequest('/recurse')
  return text('requested page returned')
}

/** Forwards /not_found to `url` (Paste's TestForwardRequestMiddleware). */
const forwardNotFound =
  (url: string, status?: number): Middleware =>
  (app) =>
  (request, context) => {
    if (context.pathInfo !== '/not_found') return app(request, context)
    throw new ForwardRequest(url, status === undefined ? {} : { status })
  }

const quiet = { logger: silentLogger }

async function pasteForward(fetch: (p: string) => Promise<Response>, notFoundStatus: number) {
  let res = await fetch('/')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('text/plain')
  expect(await res.text()).toBe('requested page returned')
  res = await fetch('/error')
  expect(await res.text()).toBe('Page not found')
  res = await fetch('/not_found')
  expect(res.status).toBe(notFoundStatus)
  expect(res.headers.get('content-type')).toBe('text/plain')
  expect(await res.text()).toBe('Page not found')
  // Paste raised RecursionLoop; here the loop ends with a clear 500
  res = await fetch('/recurse')
  expect(res.status).toBe(500)
  const body = await res.text()
  expect(body).toContain('Internal Server Error')
  expect(body).not.toContain('/recurse')
}

matrix(
  'Paste test_ForwardRequest_url: a thrown forward replaces the response',
  () => pipe(errorDocsApp, recursive(), forwardNotFound('/error')),
  (fetch) => pasteForward(fetch, 200),
  quiet,
)

matrix(
  'Paste test_ForwardRequest_factory (StatusKeeper): the original status is kept',
  () => pipe(errorDocsApp, recursive(), forwardNotFound('/error', 404)),
  (fetch) => pasteForward(fetch, 404),
  quiet,
)

matrix(
  'Paste test_ForwardRequest_environ: an internal redirect keeps the request',
  () =>
    pipe((request, context) => {
      if (context.pathInfo === '/old') throw new InternalRedirect('/new')
      return request
        .text()
        .then((body) =>
          text(
            `${request.method} ${context.pathInfo}${context.search} ${request.headers.get('x-token')} ${body}`,
          ),
        )
    }, recursive()),
  async (fetch) => {
    const res = await fetch('/old?q=1', {
      method: 'POST',
      body: 'payload',
      headers: { 'x-token': 't1' },
    } as never)
    expect(await res.text()).toBe('POST /new?q=1 t1 payload')
  },
)

matrix(
  'forward as a function in the context, include to embed',
  () =>
    pipe((_request, context) => {
      const forwarder = context.require(forwarderKey)
      if (context.pathInfo === '/fragment') return text(`<b>fragment ${context.search}</b>`)
      if (context.pathInfo === '/page')
        return forwarder
          .include('/fragment?n=1')
          .then((inc) => text(`page[${inc.status} ${inc.body}]`))
      if (context.pathInfo === '/missing')
        return forwarder.include('/gone').then((inc) => text(`included ${inc.status}`))
      if (context.pathInfo === '/gone') throw new NotFound()
      return forwarder.forward('/page', { status: 203 })
    }, recursive()),
  async (fetch) => {
    let res = await fetch('/page')
    expect(await res.text()).toBe('page[200 <b>fragment ?n=1</b>]')
    res = await fetch('/anything')
    expect(res.status).toBe(203)
    expect(await res.text()).toBe('page[200 <b>fragment ?n=1</b>]')
    res = await fetch('/missing')
    expect(await res.text()).toBe('included 404')
  },
)

describe('loops end with a clear 500, never a stack overflow', () => {
  const logged: unknown[] = []
  const logger = { ...silentLogger, error: (_m: string, d?: unknown) => logged.push(d) }

  matrix(
    'A -> B -> A (thrown)',
    () =>
      pipe((_r, c) => {
        throw new ForwardRequest(c.pathInfo === '/a' ? '/b' : '/a')
      }, recursive()),
    async (fetch) => {
      const res = await fetch('/a', { headers: { accept: 'text/plain' } })
      expect(res.status).toBe(500)
      expect(await res.text()).toBe(
        '500 Internal Server Error\n\nThe server has either erred or is incapable of performing the requested operation.\n',
      )
    },
    quiet,
  )

  test('function forwards and self-includes are caught too', async () => {
    const app = pipe(
      (_r: Request, c: Context) => {
        const f = c.require(forwarderKey)
        if (c.pathInfo === '/inc') return f.include('/inc').then(() => text('never'))
        return f.forward(c.pathInfo === '/x' ? '/y' : '/x')
      },
      httpExceptions({ logServerErrors: false }),
      recursive(),
    )
    for (const path of ['/x', '/inc']) {
      const request = new Request(`http://localhost${path}`)
      const res = await app(request, createContext(request, { logger }))
      expect(res.status).toBe(500)
    }
    expect(JSON.stringify(logged)).toContain('/x')
  })

  test('a long chain of distinct paths stops at maxDepth', async () => {
    let calls = 0
    const app = pipe(
      (_r: Request, c: Context) => {
        calls++
        throw new ForwardRequest(`/n/${Number(c.pathInfo.split('/')[2] ?? 0) + 1}`)
      },
      recursive({ maxDepth: 5 }),
    )
    const request = new Request('http://localhost/n/0')
    const res = await app(request, createContext(request, { logger }))
    expect(res.status).toBe(500)
    expect(calls).toBe(6)
  })

  test('thousands of thrown forwards do not grow the stack', async () => {
    const app = pipe(
      (_r: Request, c: Context) => {
        const n = Number(c.pathInfo.slice(3))
        if (n === 3000) return text('done')
        throw new ForwardRequest(`/n/${n + 1}`)
      },
      recursive({ maxDepth: 5000 }),
    )
    const request = new Request('http://localhost/n/0')
    const res = await app(request, createContext(request, { logger }))
    expect(await res.text()).toBe('done')
  })
})

describe('subrequests', () => {
  const seen: { request: Request; context: Context }[] = []
  const userKey = createKey<string>('test:user')
  const make = (options = {}) =>
    pipe(
      (request: Request, context: Context) => {
        seen.push({ request, context })
        if (context.pathInfo === '/start') throw new ForwardRequest('/target?x=1')
        return text('ok')
      },
      (app: App) => (request: Request, context: Context) => app(request, context.shift('/mount')),
      (app: App) => (request: Request, context: Context) =>
        app(
          request,
          context.derive({ remoteUser: 'alice', authType: 'basic' }).with(userKey, 'slot'),
        ),
      recursive(options),
    )

  test('do not inherit the body, Content-Length or conditional headers; keep the chosen ones', async () => {
    seen.length = 0
    const app = pipe((r: Request, c: Context) => make()(r, c.shift('')))
    const request = new Request('http://localhost/mount/start?orig=1', {
      method: 'POST',
      body: 'secret body',
      headers: {
        cookie: 'sid=1',
        authorization: 'Basic eA==',
        'if-none-match': '"v1"',
        range: 'bytes=0-1',
        'content-type': 'text/plain',
        'x-other': 'dropped',
        accept: 'text/html',
      },
    })
    const res = await app(request, createContext(request))
    expect(await res.text()).toBe('ok')
    const sub = seen[1]!
    expect(sub.request.method).toBe('GET')
    expect(sub.request.body).toBeNull()
    expect(sub.request.headers.get('content-length')).toBeNull()
    expect(sub.request.headers.get('content-type')).toBeNull()
    expect(sub.request.headers.get('if-none-match')).toBeNull()
    expect(sub.request.headers.get('range')).toBeNull()
    expect(sub.request.headers.get('x-other')).toBeNull()
    expect(sub.request.headers.get('cookie')).toBe('sid=1')
    expect(sub.request.headers.get('accept')).toBe('text/html')
    expect(new URL(sub.request.url).pathname).toBe('/mount/target')
    // the context keeps the client's details and the slots set above recursive
    expect(sub.context.scriptName).toBe('/mount')
    expect(sub.context.pathInfo).toBe('/target')
    expect(sub.context.search).toBe('?x=1')
    expect(sub.context.remoteUser).toBe('alice')
    expect(sub.context.get(userKey)).toBe('slot')
    expect(sub.context.require(forwarderKey).chain).toEqual(['/start', '/target'])
  })

  test('keepHeaders chooses what is copied', async () => {
    seen.length = 0
    const request = new Request('http://localhost/mount/start', {
      headers: { cookie: 'a=1', 'x-trace': 't' },
    })
    await make({ keepHeaders: ['X-Trace'] })(request, createContext(request))
    expect(seen[1]!.request.headers.get('cookie')).toBeNull()
    expect(seen[1]!.request.headers.get('x-trace')).toBe('t')
  })

  test('an internal redirect after the body was read fails loudly', async () => {
    const app = pipe(async (request: Request, context: Context) => {
      if (context.pathInfo === '/a') {
        await request.text()
        throw new InternalRedirect('/b')
      }
      return text('b')
    }, recursive())
    const request = new Request('http://localhost/a', { method: 'POST', body: 'x' })
    await expect(app(request, createContext(request))).rejects.toThrow(/body was read/)
  })

  test('paths that leave the app are refused', async () => {
    for (const path of ['http://evil.example/', '//evil.example/', 'relative', '/a#f']) {
      const app = pipe(() => {
        throw new ForwardRequest(path)
      }, recursive())
      const request = new Request('http://localhost/')
      await expect(app(request, createContext(request))).rejects.toThrow(TypeError)
    }
  })

  test('bad options throw TypeError naming the package', () => {
    expect(() => recursive({ keepHeaders: ['content-length'] })).toThrow(
      /@paste\/recursive: keepHeaders/,
    )
    expect(() => recursive({ keepHeaders: ['bad name'] })).toThrow(/bad header/)
    expect(() => recursive({ maxDepth: 0 })).toThrow(/maxDepth/)
    expect(() => recursive({ maxIncludeBytes: -1 })).toThrow(/maxIncludeBytes/)
  })

  test('include refuses oversized bodies', async () => {
    const app = pipe(
      (_r: Request, c: Context) => {
        if (c.pathInfo === '/big') return text('x'.repeat(100))
        return c
          .require(forwarderKey)
          .include('/big')
          .then((i) => text(i.body))
      },
      httpExceptions({ logServerErrors: false }),
      recursive({ maxIncludeBytes: 10 }),
    )
    const request = new Request('http://localhost/')
    expect((await app(request, createContext(request))).status).toBe(500)
  })
})
