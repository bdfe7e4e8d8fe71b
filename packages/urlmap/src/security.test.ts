/*
 * An auth filter mounted with the admin app on `/admin` must not be bypassed by spelling the
 * path differently. Each hostile target is sent two ways:
 * - in process, with a context built by hand whose pathInfo is the raw target (a context
 *   "built by someone else"), so urlmap's own normalisation is what is tested;
 * - through the real server with a raw socket (node:net), so no client normalises first.
 */
import { type App, Context, isPathPrefix, normalizePath, pipe } from '@paste/core'
import { httpExceptions, Unauthorized } from '@paste/httpexceptions'
import { rawRequest, startServer } from '@paste-tooling/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type UrlMapOptions, urlMap } from './index.js'

const requireToken =
  (app: App): App =>
  (request, context) => {
    if (request.headers.get('authorization') !== 'Bearer letmein')
      throw new Unauthorized({ challenge: 'Bearer realm="admin"' })
    return app(request, context)
  }
const admin: App = (_r, c) => new Response(`ADMIN SECRET ${c.scriptName}|${c.pathInfo}`)
const root: App = (_r, c) => new Response(`root ${c.scriptName}|${c.pathInfo}`)
const make = (options?: UrlMapOptions) =>
  pipe(urlMap({ '/admin': requireToken(admin), '/': root }, options), httpExceptions())

/** [raw target, expected status, expected body (or undefined to skip)] */
const CASES: [string, number, string | undefined][] = [
  ['/admin', 401, undefined],
  ['//admin', 401, undefined],
  ['///admin//', 401, undefined],
  ['/x/../admin', 401, undefined],
  ['/./admin', 401, undefined],
  ['/admin/x/../../admin/y', 401, undefined],
  ['/%61dmin', 401, undefined],
  ['/%61%64%6D%69%6E/', 401, undefined],
  ['/%2e%2e/admin', 401, undefined],
  ['/x/%2E%2E/admin', 401, undefined],
  // encoded slash: one segment "admin%2Fx", not under /admin: the root app gets it as data
  ['/admin%2Fx', 200, 'root |/admin%2Fx'],
  ['/admin%2fx', 200, 'root |/admin%2Fx'],
  ['/%61dmin%2F..%2Fx', 200, 'root |/admin%2F..%2Fx'],
  ['/admin%5Cx', 200, 'root |/admin%5Cx'],
  // ";" is an ordinary character: "admin;x" is not "admin"
  ['/admin;x', 200, 'root |/admin;x'],
  ['/admin;x/y', 200, 'root |/admin;x/y'],
  // no double decoding, no case folding, no NUL truncation
  ['/%2561dmin', 200, 'root |/%2561dmin'],
  ['/ADMIN', 200, 'root |/ADMIN'],
  ['/admin%00', 200, 'root |/admin%00'],
  ['/adminx', 200, 'root |/adminx'],
  // malformed escapes are refused, never guessed
  ['/admin%', 400, undefined],
  ['/%zz/admin', 400, undefined],
]

function assertSafe(status: number, body: string, expected: [number, string | undefined]) {
  expect(body).not.toContain('ADMIN SECRET')
  expect(status).toBe(expected[0])
  if (expected[1] !== undefined) expect(body).toBe(expected[1])
}

describe('in process (hand-built context with the raw path)', () => {
  test.each(CASES)('%s -> %i', async (target, status, body) => {
    const request = new Request('http://localhost/')
    const context = new Context({ scheme: 'http', host: 'localhost', pathInfo: target })
    const response = await make()(request, context)
    assertSafe(response.status, await response.text(), [status, body])
  })

  test('with the token, the normalised spellings reach the admin app with the right split', async () => {
    for (const target of ['//admin/p', '/x/../admin/p', '/%61dmin/p', '/admin/./p']) {
      const request = new Request('http://localhost/', {
        headers: { authorization: 'Bearer letmein' },
      })
      const response = await make()(
        request,
        new Context({ scheme: 'http', host: 'h', pathInfo: target }),
      )
      expect(await response.text()).toBe('ADMIN SECRET /admin|/p')
    }
  })

  test("encodedSlashes: 'reject' answers 400 to %2F and %5C", async () => {
    for (const target of ['/admin%2Fx', '/a%5cb']) {
      const request = new Request('http://localhost/')
      const response = await make({ encodedSlashes: 'reject' })(
        request,
        new Context({ scheme: 'http', host: 'h', pathInfo: target }),
      )
      expect(response.status).toBe(400)
    }
  })

  test('property: the filter runs exactly when the normalised path is under /admin', async () => {
    const app = make()
    const piece = fc.constantFrom(
      '/',
      '.',
      '..',
      '%2e',
      '%2E',
      '%2F',
      '%61',
      'a',
      'admin',
      'dmin',
      ';',
      '%',
      '%25',
      'x',
    )
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 10 }), async (pieces) => {
        const target = `/${pieces.join('')}`
        const request = new Request('http://localhost/')
        const response = await app(
          request,
          new Context({ scheme: 'http', host: 'h', pathInfo: target }),
        )
        const body = await response.text()
        const normal = normalizePath(target)
        expect(body).not.toContain('ADMIN SECRET')
        if (normal === null) expect(response.status).toBe(400)
        else
          expect(response.status === 401).toBe(
            isPathPrefix('/admin', normal.replace(/\/$/, '') || '/'),
          )
      }),
      { numRuns: 1000 },
    )
  })
})

describe('through the real server (raw request targets over node:net)', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  let strict: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer(make())
    strict = await startServer(make({ encodedSlashes: 'reject' }))
  })
  afterAll(async () => {
    await server.close()
    await strict.close()
  })
  const port = (s: { url: string }) => Number(new URL(s.url).port)

  test.each(CASES)('%s -> %i', async (target, status, body) => {
    const response = await rawRequest(port(server), target)
    assertSafe(response.status, response.text, [status, body])
  })

  test('with the token, //admin/p reaches the admin app as /admin + /p', async () => {
    const response = await rawRequest(port(server), '//admin/p', {
      Authorization: 'Bearer letmein',
    })
    expect(response.text).toBe('ADMIN SECRET /admin|/p')
  })

  test("encodedSlashes: 'reject' answers 400", async () => {
    const response = await rawRequest(port(strict), '/admin%2Fx')
    expect(response.status).toBe(400)
    expect(response.text).not.toContain('ADMIN SECRET')
  })

  test('an absolute-form target cannot smuggle another path', async () => {
    const response = await rawRequest(port(server), 'http://localhost//x/../admin')
    expect(response.status).toBe(401)
  })
})
