import {
  type App,
  Context,
  createContext,
  HTTP_ERROR,
  isHttpError,
  pipe,
  silentLogger,
} from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  BadRequest,
  Forbidden,
  Found,
  getException,
  HttpClientError,
  HttpError,
  HttpException,
  HttpRedirection,
  HttpServerError,
  httpError,
  httpExceptions,
  InternalServerError,
  MethodNotAllowed,
  MovedPermanently,
  NotFound,
  NotImplemented,
  NotModified,
  SeeOther,
  ServiceUnavailable,
  TemporaryRedirect,
  TooManyRequests,
  Unauthorized,
  UseProxy,
} from './index.js'

const thrower = (make: () => unknown): App =>
  pipe(
    () => {
      throw make()
    },
    httpExceptions({ logServerErrors: false }),
  )

const html = { headers: { accept: 'text/html' } }
const plain = { headers: { accept: 'text/plain' } }
const json = { headers: { accept: 'application/json' } }

describe('classes (Paste test_misc, test_HTTPMove)', () => {
  test('hierarchy and getException', () => {
    expect(getException(301)).toBe(MovedPermanently)
    const redirect = new Found('/some/path')
    expect(redirect).toBeInstanceOf(HttpException)
    expect(redirect).toBeInstanceOf(HttpRedirection)
    expect(redirect).not.toBeInstanceOf(HttpError)
    const notFound = new NotFound()
    expect(notFound).toBeInstanceOf(HttpClientError)
    expect(notFound).not.toBeInstanceOf(HttpServerError)
    const notImpl = new NotImplemented()
    expect(notImpl).toBeInstanceOf(HttpServerError)
    expect(notImpl).not.toBeInstanceOf(HttpClientError)
    expect(isHttpError(notImpl)).toBe(true)
    expect(notFound.name).toBe('NotFound')
    expect(notFound.title).toBe('Not Found')
    expect(new UseProxy('/bing')).toBeInstanceOf(HttpRedirection)
  })

  test('redirects require a valid location', () => {
    // @ts-expect-error location is mandatory
    expect(() => new Found()).toThrow(TypeError)
    expect(() => new TemporaryRedirect('')).toThrow(/location/)
    expect(() => new Found('/a\r\nSet-Cookie: x=1')).toThrow(/control/)
    expect(() => new Found('javascript:alert(1)')).toThrow(/scheme/)
    expect(() => new Found(' JaVaScRiPt:alert(1)')).toThrow(/scheme/)
    expect(() => httpError(302)).toThrow(/location/)
    expect(httpError(302, { location: '/x' })).toBeInstanceOf(Found)
  })

  test('httpError covers every group', () => {
    expect(httpError(404)).toBeInstanceOf(NotFound)
    expect(httpError(304)).toBeInstanceOf(NotModified)
    expect(httpError(418).status).toBe(418)
    expect(httpError(418)).toBeInstanceOf(HttpClientError)
    expect(httpError(599)).toBeInstanceOf(HttpServerError)
    expect(httpError(405, { allow: ['GET'] }).headers.get('allow')).toBe('GET')
    expect(() => httpError(200)).toThrow(TypeError)
    expect(() => httpError(600)).toThrow(TypeError)
    expect(() => new HttpClientError(500)).toThrow(/HttpClientError/)
    for (let status = 300; status < 600; status++) {
      if (status === 306) continue
      const e = httpError(status, { location: '/' })
      expect(e.status).toBe(status)
      expect(e.title.length).toBeGreaterThan(0)
    }
  })

  test('bad header options throw TypeError at creation', () => {
    expect(() => new Unauthorized({ challenge: 'Basic\r\nX: 1' })).toThrow(/challenge/)
    expect(() => new MethodNotAllowed({ allow: ['GET', 'PO ST'] })).toThrow(/allow/)
    expect(() => new ServiceUnavailable({ retryAfter: -1 })).toThrow(/retryAfter/)
    expect(() => new ServiceUnavailable({ retryAfter: new Date(Number.NaN) })).toThrow(/retryAfter/)
    // @ts-expect-error detail must be a string
    expect(() => new BadRequest({ detail: 42 })).toThrow(/detail/)
  })
})

matrix(
  'renders HTML with Paste badapp/unicode scenarios',
  () => thrower(() => new BadRequest('Do not do this at home. \u00cafe')),
  async (fetch) => {
    const response = await fetch('/', html)
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('vary')).toMatch(/accept/i)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const body = await response.text()
    expect(body).toContain('<title>400 Bad Request</title>')
    expect(body).toContain('Do not do this at home. \u00cafe')
    const text = await (await fetch('/', plain)).text()
    expect(text).toContain('400 Bad Request')
    expect(text).toContain('\u00cafe')
  },
)

matrix(
  'redirect renders Location, link and format (Paste test_redapp)',
  () => thrower(() => new Found('/bing/foo')),
  async (fetch) => {
    let response = await fetch('/here', html)
    expect(response.status).toBe(302)
    const location = response.headers.get('location')!
    expect(new URL(location).pathname).toBe('/bing/foo')
    expect(await response.text()).toContain(`<a href="${location}">`)
    response = await fetch('/here', plain)
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(new URL(response.headers.get('location')!).pathname).toBe('/bing/foo')
    await response.body?.cancel()
  },
)

matrix(
  'JSON rendering',
  () => thrower(() => new NotFound({ detail: 'no user 7', comment: 'users table' })),
  async (fetch) => {
    const response = await fetch('/', json)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toEqual({
      status: 404,
      title: 'Not Found',
      explanation: 'The resource could not be found.',
      detail: 'no user 7',
      comment: 'users table',
    })
  },
)

describe('Accept negotiation picks the format', () => {
  test.each([
    ['*/*', 'text/html; charset=utf-8'],
    ['text/html;q=0, */*', 'application/json'],
    ['application/json, */*', 'application/json'],
    ['text/*;q=0.5, application/json', 'application/json'],
    ['text/plain', 'text/plain; charset=utf-8'],
    ['image/png', 'text/plain; charset=utf-8'],
    ['*/*;q=0', 'text/plain; charset=utf-8'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html; charset=utf-8'],
  ])('%s -> %s', (accept, type) => {
    const response = new NotFound().toResponse(
      new Request('http://localhost/', { headers: { accept } }),
    )
    expect(response.headers.get('content-type')).toBe(type)
  })
})

matrix(
  'no Accept header gives plain text',
  () => thrower(() => new Forbidden()),
  async (fetch) => {
    const response = await fetch('/', { headers: { accept: '' } })
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await response.text()).toBe('403 Forbidden\n\nAccess was denied to this resource.\n')
  },
)

const XSS = '<script>alert("x")</script>--><img src=x onerror=alert(1)>'
matrix(
  'detail and comment are escaped in every format',
  () => thrower(() => new BadRequest({ detail: XSS, comment: XSS })),
  async (fetch) => {
    const body = await (await fetch('/', html)).text()
    expect(body).not.toContain('<script>')
    expect(body).not.toContain('<img')
    expect(body).toContain('&lt;script&gt;')
    // the comment cannot close the HTML comment early
    expect(body.match(/-->/g)).toHaveLength(1)
    const j = await (await fetch('/', json)).text()
    expect(j).not.toContain('<')
    expect(JSON.parse(j).detail).toBe(XSS)
  },
)

matrix(
  '5xx hides detail and comment unless exposed',
  () =>
    thrower(() => new InternalServerError({ detail: 'password=hunter2', comment: '/etc/secret' })),
  async (fetch) => {
    for (const init of [html, plain, json]) {
      const body = await (await fetch('/', init)).text()
      expect(body).toContain('Internal Server Error')
      expect(body).not.toContain('hunter2')
      expect(body).not.toContain('secret')
    }
  },
)

matrix(
  'expose: true shows 5xx detail; expose: false hides 4xx detail',
  () =>
    pipe(
      (request) => {
        if (request.url.endsWith('/a'))
          throw new ServiceUnavailable({
            detail: 'maintenance until 10:00',
            expose: true,
            retryAfter: 600,
          })
        throw new BadRequest({ detail: 'internal-id-77', expose: false })
      },
      httpExceptions({ logServerErrors: false }),
    ),
  async (fetch) => {
    const a = await fetch('/a', plain)
    expect(a.status).toBe(503)
    expect(a.headers.get('retry-after')).toBe('600')
    expect(await a.text()).toContain('maintenance until 10:00')
    const b = await fetch('/b', plain)
    expect(await b.text()).not.toContain('internal-id-77')
  },
)

matrix(
  'status-specific headers',
  () =>
    pipe((request) => {
      const path = new URL(request.url).pathname
      if (path === '/401')
        throw new Unauthorized({ challenge: ['Basic realm="a"', 'Digest realm="a", nonce="n"'] })
      if (path === '/405') throw new MethodNotAllowed({ allow: ['GET', 'HEAD'] })
      if (path === '/429') throw new TooManyRequests({ retryAfter: new Date(Date.UTC(2030, 0, 1)) })
      throw new NotModified({ headers: { etag: '"v1"' } })
    }, httpExceptions()),
  async (fetch) => {
    const r401 = await fetch('/401', plain)
    expect(r401.headers.get('www-authenticate')).toBe(
      'Basic realm="a", Digest realm="a", nonce="n"',
    )
    await r401.body?.cancel()
    const r405 = await fetch('/405', { method: 'DELETE', ...plain })
    expect(r405.headers.get('allow')).toBe('GET, HEAD')
    expect(await r405.text()).toContain('The method DELETE is not allowed')
    const r429 = await fetch('/429', plain)
    expect(r429.headers.get('retry-after')).toBe('Tue, 01 Jan 2030 00:00:00 GMT')
    await r429.body?.cancel()
    const r304 = await fetch('/304', plain)
    expect(r304.status).toBe(304)
    expect(r304.headers.get('etag')).toBe('"v1"')
    expect(r304.headers.get('content-type')).toBeNull()
    expect(await r304.text()).toBe('')
  },
)

matrix(
  'HEAD gets headers without a body',
  () => thrower(() => new NotFound()),
  async (fetch) => {
    const response = await fetch('/', { method: 'HEAD', ...html })
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await response.text()).toBe('')
  },
)

matrix(
  'relative locations resolve against scriptName + pathInfo',
  () => {
    const inner: App = (_request, context) => {
      if (context.pathInfo === '/edit') throw new SeeOther('view?id=1')
      throw new Found('../login')
    }
    return pipe((request, context) => inner(request, context.shift('/app')), httpExceptions())
  },
  async (fetch) => {
    const a = await fetch('/app/edit', plain)
    expect(new URL(a.headers.get('location')!).pathname).toBe('/app/view')
    expect(new URL(a.headers.get('location')!).search).toBe('?id=1')
    await a.body?.cancel()
    const b = await fetch('/app/x/y', plain)
    expect(new URL(b.headers.get('location')!).pathname).toBe('/app/login')
    await b.body?.cancel()
  },
)

test('locations resolve against the URL the client sees (context), not the request URL', async () => {
  // behind a proxy that strips /app: the server saw http://10.0.0.5:8080/edit, the client
  // asked for https://example.com/app/edit; a relative location must lead back there
  const request = new Request('http://10.0.0.5:8080/edit', { headers: plain.headers })
  const context = new Context({
    scheme: 'https',
    host: 'example.com',
    scriptName: '/app',
    pathInfo: '/edit',
  })
  const app = pipe(() => {
    throw new SeeOther('view?id=1')
  }, httpExceptions())
  const response = await app(request, context)
  expect(response.headers.get('location')).toBe('https://example.com/app/view?id=1')
  expect(await response.text()).toContain('https://example.com/app/view?id=1')
  // without a context, toResponse falls back to the request URL
  expect(new Found('/x').toResponse(request).headers.get('location')).toBe('http://10.0.0.5:8080/x')
})

matrix(
  'a branded error from another copy of the package is rendered',
  () =>
    thrower(() => ({
      [Symbol.for('@paste/http-error')]: true,
      status: 418,
      expose: true,
      toResponse: () => new Response('teapot from elsewhere', { status: 418 }),
    })),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.status).toBe(418)
    expect(await response.text()).toBe('teapot from elsewhere')
  },
)

describe('unknown errors pass through', () => {
  test('in process: the middleware rethrows the very same error', async () => {
    const boom = new Error('db password is hunter2')
    const app = thrower(() => boom)
    const request = new Request('http://localhost/')
    await expect(app(request, createContext(request))).rejects.toBe(boom)
  })
  matrix(
    'through the server: a plain 500 without details',
    () => thrower(() => new Error('db password is hunter2')),
    async (fetch) => {
      const response = await fetch('/', html)
      expect(response.status).toBe(500)
      expect(await response.text()).not.toContain('hunter2')
    },
    { only: 'loopback', logger: silentLogger },
  )
})

test('server errors are logged with their detail, client errors are not', async () => {
  const logged: unknown[] = []
  const logger = { ...silentLogger, error: (m: string, d?: unknown) => logged.push([m, d]) }
  const make = (e: Error) =>
    pipe(() => {
      throw e
    }, httpExceptions())
  const request = new Request('http://localhost/')
  const context = createContext(request, { logger })
  await make(new InternalServerError({ detail: 'disk full' }))(request, context)
  await make(new NotFound({ detail: 'nope' }))(request, context)
  expect(logged).toHaveLength(1)
  expect(JSON.stringify(logged[0])).toContain('disk full')
})

test('a custom render replaces the page', async () => {
  const app = pipe(
    () => {
      throw new NotFound()
    },
    httpExceptions({ render: (e) => new Response(`custom ${e.status}`, { status: e.status }) }),
  )
  const request = new Request('http://localhost/')
  const response = await app(request, createContext(request))
  expect(await response.text()).toBe('custom 404')
  expect(() => httpExceptions({ render: 'x' as never })).toThrow(/render/)
})

test('property: any detail renders escaped in HTML and exactly in JSON', async () => {
  const render = (e: HttpException, accept: string) =>
    e.toResponse(new Request('http://localhost/', { headers: { accept } })).text()
  await fc.assert(
    fc.asyncProperty(fc.string(), fc.string(), async (detail, comment) => {
      const e = new BadRequest({ detail, comment })
      const page = await render(e, 'text/html')
      // strip the fixed template's own markup: what is left must hold no tag or comment end
      const rest = page
        .replace(/<\/?(?:!DOCTYPE html|html|head|meta charset="utf-8"|title|body|h1|p)>/g, '')
        .replace(/<!-- /, '')
        .replace(/ -->/, '')
      expect(rest).not.toMatch(/[<>]/)
      const body = JSON.parse(await render(e, 'application/json'))
      if (detail !== '') expect(body.detail).toBe(detail)
    }),
  )
})

test('HTTP_ERROR is the shared brand', () => {
  expect(new NotFound()[HTTP_ERROR]).toBe(true)
  expect(HTTP_ERROR).toBe(Symbol.for('@paste/http-error'))
})
