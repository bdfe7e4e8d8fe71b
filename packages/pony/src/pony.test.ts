import { type App, pipe } from '@paste/core'
import { urlMap } from '@paste/urlmap'
import { curl, matrix, rawRequest, startServer } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { PONY, UNICORN } from './art.js'
import { pony } from './pony.js'

const inner: App = (request, context) =>
  new Response(`app: ${request.method} ${context.pathInfo}${context.search}`)
const site = () => pipe(inner, pony())

const escaped = (art: string) =>
  art
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll("'", '&#39;')

matrix('pony shows a pony at /pony, linking to the unicorn', site, async (fetch) => {
  const response = await fetch('/pony')
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
  const html = await response.text()
  expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(html)))
  expect(html).toContain(escaped(PONY))
  expect(html).not.toContain(escaped(UNICORN))
  expect(html).toContain('<a href="/pony?horn">Give it a horn</a>')
})

matrix('pony shows a unicorn with ?horn, linking back', site, async (fetch) => {
  for (const query of ['?horn', '?horn=1', '?a=b&horn']) {
    const html = await (await fetch(`/pony${query}`)).text()
    expect(html).toContain(escaped(UNICORN))
    expect(html).toContain('<a href="/pony">Take the horn off</a>')
  }
})

matrix('pony wants a horn parameter, not the word anywhere', site, async (fetch) => {
  // Paste looked for the substring "horn" in the query string
  for (const query of ['?thorny', '?x=horn', '?hornet']) {
    const html = await (await fetch(`/pony${query}`)).text()
    expect(html).toContain('Give it a horn')
  }
})

matrix('pony answers HEAD with the headers alone', site, async (fetch) => {
  const get = await fetch('/pony?horn')
  const head = await fetch('/pony?horn', { method: 'HEAD' })
  expect(head.status).toBe(200)
  expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'))
  expect(await head.text()).toBe('')
})

matrix('pony refuses other methods at its path, and only there', site, async (fetch) => {
  const post = await fetch('/pony', { method: 'POST', body: 'hay' })
  expect(post.status).toBe(405)
  expect(post.headers.get('allow')).toBe('GET, HEAD')
  expect(await (await fetch('/other', { method: 'POST', body: 'x' })).text()).toBe(
    'app: POST /other',
  )
})

matrix('everything else passes through', site, async (fetch) => {
  for (const path of ['/', '/pony/', '/ponyx', '/pony/horn', '/PONY', '/x/pony?horn']) {
    const text = await (await fetch(path)).text()
    expect(text).toBe(`app: GET ${path}`)
  }
})

matrix(
  'pony follows its mount point and escapes it',
  () => urlMap({ "/it's": site() }),
  async (fetch) => {
    const html = await (await fetch("/it's/pony")).text()
    expect(html).toContain('<a href="/it&#39;s/pony?horn">')
  },
)

matrix(
  'pony answers at another path',
  () => pipe(inner, pony({ path: '/stable/pony' })),
  async (fetch) => {
    expect(await (await fetch('/stable/pony')).text()).toContain('Give it a horn')
    expect(await (await fetch('/pony')).text()).toBe('app: GET /pony')
  },
)

describe('pony', () => {
  test('refuses bad paths with a TypeError naming the package', () => {
    for (const path of ['pony', '/pony/', '/a/../pony', '/./pony', '/po ny', '/po"ny', '', '/'])
      expect(() => pony({ path })).toThrow(/@paste\/pony: path must be/)
    expect(() => pony({ path: 42 as unknown as string })).toThrow(TypeError)
  })

  test('serves curl through a real server, and a raw encoded path', async () => {
    const server = await startServer(site())
    try {
      const { stdout, code } = await curl([`${server.url}/pony?horn`])
      expect(code).toBe(0)
      expect(stdout.toString()).toContain(escaped(UNICORN))
      // '/pon%79' is '/pony' once normalised (RFC 3986 section 6.2.2.2)
      const raw = await rawRequest(server.url, '/pon%79')
      expect(raw.status).toBe(200)
      expect(raw.text).toContain('Give it a horn')
    } finally {
      await server.close()
    }
  })
})
