import { type App, type Context, createContext, pipe, silentLogger } from '@paste/core'
import { httpExceptions, InternalServerError, NotFound } from '@paste/httpexceptions'
import { recursive } from '@paste/recursive'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { errorDocument } from './index.js'

const text = (body: string, status = 200, type = 'text/plain'): Response =>
  new Response(body, { status, headers: { 'content-type': type } })

/** Paste test_errordocument's error_docs_app and auth_docs_app, in one. */
const errorDocsApp: App = (_request, context) => {
  switch (context.pathInfo) {
    case '/not_found':
      return text('Not found', 404)
    case '/error':
      return text('Page not found')
    case '/auth':
      return new Response('Sign in!', {
        status: 401,
        headers: { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="Foo"' },
      })
    case '/auth_doc':
      return text('<html>Login!</html>', 200, 'text/html')
    case '/thrown':
      throw new NotFound()
    case '/crash':
      throw new Error('crash')
    default:
      return text('requested page returned')
  }
}

const quiet = { logger: silentLogger }

matrix(
  'Paste test_error_docs_app: without the middleware the app answers as it is',
  () => errorDocsApp,
  async (fetch) => {
    const res = await fetch('/not_found')
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('Not found')
  },
)

matrix(
  'Paste test_forward: the error page replaces the body, the status is kept',
  () => pipe(errorDocsApp, errorDocument({ 404: '/error' })),
  async (fetch) => {
    let res = await fetch('/')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('requested page returned')
    res = await fetch('/error')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('Page not found')
    res = await fetch('/not_found')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('text/plain')
    expect(await res.text()).toBe('Page not found')
    // a thrown HTTP exception is replaced too
    res = await fetch('/thrown')
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('Page not found')
  },
)

matrix(
  'HEAD gets the error page headers with the original status and no body',
  () => pipe(errorDocsApp, errorDocument({ 404: '/error' })),
  async (fetch) => {
    const res = await fetch('/not_found', { method: 'HEAD' })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('text/plain')
    expect(await res.text()).toBe('')
  },
)

matrix(
  "Paste test_auth_docs_app: the challenge is kept, the page type is the page's",
  () => pipe(errorDocsApp, errorDocument({ 401: '/auth_doc' })),
  async (fetch) => {
    let res = await fetch('/auth_doc')
    expect(res.headers.get('content-type')).toBe('text/html')
    await res.body?.cancel()
    res = await fetch('/auth')
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toBe('text/html')
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="Foo"')
    expect(await res.text()).toBe('<html>Login!</html>')
  },
)

matrix(
  'Paste test_bad_error: a missing error page leaves the original error',
  () => pipe(() => text('not found', 404), errorDocument({ 404: '/404.html' })),
  async (fetch) => {
    const res = await fetch('/test')
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('not found')
  },
  quiet,
)

matrix(
  'a failing error page (loop) ends with the original error, no stack overflow',
  () =>
    pipe(
      (_r: Request, c: Context) => {
        if (c.pathInfo === '/errors/500') throw new InternalServerError()
        return text('broken', 500)
      },
      httpExceptions({ logServerErrors: false }),
      errorDocument({ 500: '/errors/./500' }),
    ),
  async (fetch) => {
    const res = await fetch('/x')
    expect(res.status).toBe(500)
    expect(await res.text()).toBe('broken')
  },
  quiet,
)

matrix(
  'under an explicit recursive() mounted elsewhere, paths are relative to it',
  () => {
    const app: App = (_r, c) =>
      c.pathInfo === '/oops' ? text('oops page') : text(`missing ${c.scriptName}`, 404)
    const site = pipe(app, recursive(), errorDocument({ 404: '/oops' }))
    return (request, context) => site(request, context.shift('/app'))
  },
  async (fetch) => {
    const res = await fetch('/app/nothing')
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('oops page')
  },
)

describe('hostile requests', () => {
  /** An error page that honours validators and ranges, as a file app would. */
  const conditionalPage: App = (request, context) => {
    if (context.pathInfo !== '/errors/404') return text(`missing ${context.pathInfo}`, 404)
    const headers = { etag: '"page"', 'content-type': 'text/html' }
    if (request.headers.get('if-none-match') !== null)
      return new Response(null, { status: 304, headers })
    if (request.headers.get('if-match') !== null && request.headers.get('if-match') !== '"page"')
      return new Response(null, { status: 412, headers })
    if (request.headers.get('range') === 'bytes=0-1')
      return new Response('<h', {
        status: 206,
        headers: { ...headers, 'content-range': 'bytes 0-1/22' },
      })
    return new Response('<h1>Nothing here</h1>\n', { headers })
  }
  matrix(
    "the client's validators and ranges cannot turn the error page into a 304, 412 or 206",
    () => pipe(conditionalPage, errorDocument({ 404: '/errors/404' })),
    async (fetch) => {
      for (const headers of [
        { 'if-none-match': '*' },
        { 'if-none-match': '"page"' },
        { 'if-match': '"other"' },
        { range: 'bytes=0-1' },
        { range: 'bytes=0-1', 'if-range': '"page"' },
      ]) {
        const res = await fetch('/secret/../x', { headers })
        const label = JSON.stringify(headers)
        expect(res.status, label).toBe(404)
        expect(res.headers.get('content-range'), label).toBeNull()
        expect(await res.text(), label).toBe('<h1>Nothing here</h1>\n')
      }
    },
  )
  matrix(
    'a request for the error page itself, spelled differently, is no loop and no 500',
    () =>
      pipe(
        (_r: Request, c: Context) => text(`missing ${c.pathInfo}`, 404),
        errorDocument({ 404: '/errors/404' }),
      ),
    async (fetch) => {
      for (const path of ['/errors/404', '/errors/./404', '/errors//404', '/x/../errors/404']) {
        const res = await fetch(path)
        expect(res.status, path).toBe(404)
        expect(await res.text(), path).toBe('missing /errors/404')
      }
    },
    quiet,
  )
})

describe('callbacks', () => {
  matrix(
    'errorDocument.custom forwards where the callback says',
    () =>
      pipe(
        (_r: Request, c: Context) => {
          if (c.pathInfo === '/errors/page') return text(`error page ${c.search}`)
          return text('nope', c.pathInfo === '/gone' ? 410 : 403)
        },
        errorDocument.custom((status) =>
          status === 410 ? `/errors/page?code=${status}` : undefined,
        ),
      ),
    async (fetch) => {
      let res = await fetch('/gone')
      expect(res.status).toBe(410)
      expect(await res.text()).toBe('error page ?code=410')
      res = await fetch('/forbidden')
      expect(res.status).toBe(403)
      expect(await res.text()).toBe('nope')
    },
  )

  test('a map value may be a callback returning its own Response', async () => {
    const app = pipe(
      errorDocsApp,
      errorDocument({
        404: (status, request) =>
          text(`custom ${status} for ${new URL(request.url).pathname}`, 404),
      }),
    )
    const request = new Request('http://localhost/not_found')
    const res = await app(request, createContext(request))
    expect(await res.text()).toBe('custom 404 for /not_found')
  })

  test('other errors go up untouched', async () => {
    const app = pipe(errorDocsApp, errorDocument({ 500: '/error' }))
    const request = new Request('http://localhost/crash')
    await expect(app(request, createContext(request))).rejects.toThrow('crash')
  })

  test('catchErrors: a crash gets the 500 page, logged, without its message', async () => {
    const logged: unknown[] = []
    const logger = { ...silentLogger, error: (_m: string, d?: unknown) => logged.push(d) }
    const app = pipe(errorDocsApp, errorDocument({ 500: '/error' }, { catchErrors: true }))
    const request = new Request('http://localhost/crash')
    const response = await app(request, createContext(request, { logger }))
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('Page not found')
    expect(logged).toHaveLength(1)
  })

  test('discarded bodies are cancelled', async () => {
    let cancelled = false
    const app = pipe(
      (_r: Request, c: Context) => {
        if (c.pathInfo === '/page') return text('page')
        return new Response(
          new ReadableStream({
            pull: (ctl) => ctl.enqueue(new Uint8Array(1)),
            cancel: () => void (cancelled = true),
          }),
          { status: 404 },
        )
      },
      errorDocument({ 404: '/page' }),
    )
    const request = new Request('http://localhost/x')
    expect(await (await app(request, createContext(request))).text()).toBe('page')
    await new Promise((r) => setTimeout(r, 10))
    expect(cancelled).toBe(true)
  })

  test('bad configuration throws TypeError naming the package', () => {
    expect(() => errorDocument({ 200: '/x' })).toThrow(/@paste\/errordocument/)
    expect(() => errorDocument({ 404: 'relative' })).toThrow(/path or a function/)
    expect(() => errorDocument(null as never)).toThrow(/codes/)
    expect(() => errorDocument.custom('x' as never)).toThrow(/callback/)
  })
})
