import { type App, Context, createContext } from '@paste/core'
import { matrix, rawRequest, startServer } from '@paste-tooling/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type UrlMap, urlMap } from './index.js'

/** Echoes which app answered and the split it saw (Paste test_map's make_app). */
const echo =
  (name: string): App =>
  (_request, context) =>
    new Response(`${name} script_name="${context.scriptName}" path_info="${context.pathInfo}"`, {
      headers: { 'content-type': 'text/plain' },
    })

function pasteMap(): UrlMap {
  const mapper = urlMap()
  mapper.set('', echo('root'))
  mapper.set('/foo', echo('foo-only'))
  mapper.set('/foo/bar', echo('foo:bar'))
  mapper.set('/f', echo('f-only'))
  return mapper
}

matrix('Paste test_map: longest prefix on whole segments', pasteMap, async (fetch) => {
  const get = async (path: string) => (await fetch(path)).text()
  expect(await get('/')).toBe('root script_name="" path_info="/"')
  expect(await get('/blah')).toBe('root script_name="" path_info="/blah"')
  expect(await get('/foo/and/more')).toBe('foo-only script_name="/foo" path_info="/and/more"')
  expect(await get('/foo/bar/baz')).toBe('foo:bar script_name="/foo/bar" path_info="/baz"')
  expect(await get('/fffzzz')).toBe('root script_name="" path_info="/fffzzz"')
  expect(await get('/f/z/y')).toBe('f-only script_name="/f" path_info="/z/y"')
  expect(await get('/foo')).toBe('foo-only script_name="/foo" path_info=""')
  expect(await get('/foo/')).toBe('foo-only script_name="/foo" path_info="/"')
})

matrix(
  'Paste test_404: the not-found page escapes what it echoes',
  () => urlMap({ '/x': echo('x') }),
  async (fetch) => {
    const html = { headers: { accept: 'text/html' } }
    let response = await fetch("/-->%0D<script>alert('xss')</script>", html)
    expect(response.status).toBe(404)
    let body = await response.text()
    expect(body).not.toContain('--><script')
    expect(body).not.toContain('<script')
    response = await fetch('/--%01><script>', html)
    expect(response.status).toBe(404)
    body = await response.text()
    expect(body).not.toContain('--\x01><script>')
    expect(body).not.toContain('<script')
    // nothing about the mounts or the server is listed
    expect(body).not.toContain('/x')
    expect(body).not.toMatch(/SCRIPT_NAME|HTTP_HOST|defined apps/)
  },
)

matrix(
  'a custom notFound app sees the normalised split',
  () => urlMap({ '/a': echo('a') }, { notFound: echo('missing') }),
  async (fetch) => {
    expect(await (await fetch('/b/./c')).text()).toBe('missing script_name="" path_info="/b/c"')
  },
)

test('nested maps compose scriptName', async () => {
  const inner = urlMap({ '/v1': echo('v1'), '/': echo('inner-root') })
  const outer = urlMap({ '/api': inner })
  const request = new Request('http://localhost/api/v1/users')
  expect(await (await outer(request, createContext(request))).text()).toBe(
    'v1 script_name="/api/v1" path_info="/users"',
  )
  const exact = new Request('http://localhost/api')
  expect(await (await outer(exact, createContext(exact))).text()).toBe(
    'inner-root script_name="/api" path_info=""',
  )
})

describe('the mutable map', () => {
  test('set, get, has, delete, list, size (Paste URLMap as a dict)', async () => {
    const a = echo('a')
    const b = echo('b')
    const map = urlMap({ '/a': a })
    expect(map.size).toBe(1)
    expect(map.set('/b/', b)).toBe(map)
    expect(map.get('/b')).toBe(b)
    expect(map.get('//b//')).toBe(b)
    expect(map.has('/b')).toBe(true)
    map.set('/b', a) // replaces
    expect(map.get('/b')).toBe(a)
    expect(map.size).toBe(2)
    expect(map.list().map((e) => e.key)).toEqual(['/a', '/b'])
    expect(map.delete('/b')).toBe(true)
    expect(map.delete('/b')).toBe(false)
    expect(map.has('/b')).toBe(false)
    const request = new Request('http://localhost/b')
    expect((await map(request, createContext(request))).status).toBe(404)
  })

  test('a set during a request does not disturb that request', async () => {
    let release!: () => void
    const slow: App = async (_r, context) => {
      await new Promise<void>((r) => (release = r))
      return new Response(context.scriptName)
    }
    const map = urlMap({ '/slow': slow })
    const request = new Request('http://localhost/slow/x')
    const pending = map(request, createContext(request))
    map.set('/slow/x', echo('new'))
    release()
    expect(await (await pending).text()).toBe('/slow')
    const again = new Request('http://localhost/slow/x')
    expect(await (await map(again, createContext(again))).text()).toContain('new')
  })

  test('bad configuration throws TypeError naming the package', () => {
    expect(() => urlMap({ blog: echo('x') })).toThrow(/@paste\/urlmap/)
    expect(() => urlMap({ '/a': 'nope' as unknown as App })).toThrow(/must be a function/)
    expect(() => urlMap({ '/a': echo('1'), '/a/': echo('2') })).toThrow(/same/)
    expect(() => urlMap({}, { encodedSlashes: 'decode' as never })).toThrow(/encodedSlashes/)
    expect(() => urlMap({}, { notFound: 42 as never })).toThrow(/notFound/)
    expect(() => urlMap().set('http://exa mple/', echo('x'))).toThrow(TypeError)
  })

  test('accepts an iterable of pairs', async () => {
    const map = urlMap([['/one', echo('one')] as const, ['/', echo('root')] as const])
    expect(map.list().map((e) => e.key)).toEqual(['/one', '/'])
  })
})

describe('domains and ports (in process and through the server with raw Host headers)', () => {
  const make = () =>
    urlMap({
      '/': echo('any-root'),
      '/admin': echo('any-admin'),
      'http://example.com/': echo('example-root'),
      'http://example.com/blog': echo('example-blog'),
      'domain example.com port 8080 /': echo('example-8080'),
      'http://*.example.com/': echo('sub'),
      'https://*.api.example.com/v1': echo('api-sub'),
    })
  const cases: [host: string, path: string, expected: string][] = [
    ['example.com', '/blog/x', 'example-blog script_name="/blog" path_info="/x"'],
    ['Example.COM.', '/', 'example-root script_name="" path_info="/"'],
    // an explicit domain beats a longer any-domain prefix (Paste's sort)
    ['example.com', '/admin', 'example-root script_name="" path_info="/admin"'],
    ['example.com:8080', '/blog', 'example-8080 script_name="" path_info="/blog"'],
    ['example.com:9090', '/blog', 'example-blog script_name="/blog" path_info=""'],
    ['www.example.com', '/blog', 'sub script_name="" path_info="/blog"'],
    ['a.api.example.com', '/v1/x', 'api-sub script_name="/v1" path_info="/x"'],
    ['a.api.example.com', '/v2', 'sub script_name="" path_info="/v2"'],
    ['evil-example.com', '/admin', 'any-admin script_name="/admin" path_info=""'],
    ['example.com.evil.org', '/', 'any-root script_name="" path_info="/"'],
    ['[::1]:8080', '/admin/x', 'any-admin script_name="/admin" path_info="/x"'],
  ]

  test.each(cases)('in process: Host %s %s', async (host, path, expected) => {
    const request = new Request(`http://localhost${path}`, { headers: { host } })
    expect(await (await make()(request, createContext(request))).text()).toBe(expected)
  })

  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer(make())
  })
  afterAll(() => server.close())
  test.each(cases)('through the server: Host %s %s', async (host, path, expected) => {
    const response = await rawRequest(Number(new URL(server.url).port), path, { Host: host })
    expect(response.text).toBe(expected)
  })

  test('an explicit domain beats a wildcard one with a longer prefix', async () => {
    const map = urlMap({
      'http://*.example.com/blog': echo('wild-blog'),
      'http://www.example.com/': echo('explicit-root'),
      '/blog': echo('any-blog'),
    })
    const get = async (host: string, path: string) => {
      const request = new Request(`http://localhost${path}`, { headers: { host } })
      return (await map(request, createContext(request))).text()
    }
    expect(await get('www.example.com', '/blog')).toBe(
      'explicit-root script_name="" path_info="/blog"',
    )
    expect(await get('WWW.Example.com:80', '/blog')).toBe(
      'explicit-root script_name="" path_info="/blog"',
    )
    expect(await get('a.example.com', '/blog/x')).toBe(
      'wild-blog script_name="/blog" path_info="/x"',
    )
    expect(await get('example.com', '/blog')).toBe('any-blog script_name="/blog" path_info=""')
  })

  test('the default port follows the scheme', async () => {
    const map = urlMap({ 'domain example.com port 443 /': echo('tls'), '/': echo('other') })
    const https = new Context({ scheme: 'https', host: 'example.com', pathInfo: '/' })
    const http = new Context({ scheme: 'http', host: 'example.com', pathInfo: '/' })
    const request = new Request('http://localhost/')
    expect(await (await map(request, https)).text()).toContain('tls')
    expect(await (await map(request, http)).text()).toContain('other')
  })
})
