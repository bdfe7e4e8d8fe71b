import { matrix } from '@paste-tooling/testing'
import { expect, test } from 'vitest'
import { recordingLogger, writeTemp, zipBytes } from '../test/fixtures.js'
import { archiveApp } from './index.js'

const text = 'hello from the archive\n'.repeat(40)
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])
const zipPath = writeTemp(
  'site.zip',
  await zipBytes([
    { name: 'index.html', data: '<h1>home</h1>' },
    { name: 'docs/', directory: true },
    { name: 'docs/guide.txt', data: text, compress: true },
    { name: 'docs/stored.txt', data: text, compress: false },
    { name: 'img/logo.png', data: png, compress: false },
    { name: 'data.json', data: '{"a":1}' },
    { name: 'empty.txt', data: '' },
    { name: '.env', data: 'SECRET=1' },
    { name: 'link', data: 'docs/guide.txt', mode: 0o120777 },
  ]),
)
const app = () => archiveApp(zipPath, { logger: recordingLogger() })

matrix('each member is served with its type and bytes', app, async (fetch) => {
  const guide = await fetch('/docs/guide.txt')
  expect(guide.status).toBe(200)
  expect(guide.headers.get('content-type')).toBe('text/plain; charset=utf-8')
  expect(guide.headers.get('content-length')).toBe(String(text.length))
  expect(guide.headers.get('accept-ranges')).toBe('bytes')
  expect(guide.headers.get('etag')).toMatch(/^"[\w-]+"$/)
  expect(guide.headers.get('last-modified')).toMatch(/GMT$/)
  expect(await guide.text()).toBe(text)
  const stored = await fetch('/docs/stored.txt')
  expect(await stored.text()).toBe(text)
  const logo = await fetch('/img/logo.png')
  expect(logo.headers.get('content-type')).toBe('image/png')
  expect(new Uint8Array(await logo.arrayBuffer())).toEqual(png)
  const json = await fetch('/data.json')
  expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8')
  expect(await json.json()).toEqual({ a: 1 })
  const empty = await fetch('/empty.txt')
  expect(empty.status).toBe(200)
  expect(await empty.text()).toBe('')
  const html = await fetch('/index.html')
  expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect(await html.text()).toBe('<h1>home</h1>')
})

matrix('If-None-Match with the ETag is a 304, a stale one a 200', app, async (fetch) => {
  const first = await fetch('/docs/guide.txt')
  const etag = first.headers.get('etag') ?? ''
  await first.arrayBuffer()
  const again = await fetch('/docs/guide.txt', { headers: { 'if-none-match': etag } })
  expect(again.status).toBe(304)
  expect(again.headers.get('etag')).toBe(etag)
  expect(await again.text()).toBe('')
  const stale = await fetch('/docs/guide.txt', { headers: { 'if-none-match': '"other"' } })
  expect(stale.status).toBe(200)
  await stale.arrayBuffer()
  const since = await fetch('/docs/guide.txt', {
    headers: { 'if-modified-since': first.headers.get('last-modified') ?? '' },
  })
  expect(since.status).toBe(304)
})

matrix('Range on a deflated and on a stored member gives 206', app, async (fetch) => {
  for (const name of ['/docs/guide.txt', '/docs/stored.txt']) {
    const part = await fetch(name, { headers: { range: 'bytes=6-9' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 6-9/${text.length}`)
    expect(await part.text()).toBe(text.slice(6, 10))
    const tail = await fetch(name, { headers: { range: 'bytes=-5' } })
    expect(tail.status).toBe(206)
    expect(await tail.text()).toBe(text.slice(-5))
    const multi = await fetch(name, { headers: { range: 'bytes=0-1,10-11' } })
    expect(multi.status).toBe(206)
    expect(multi.headers.get('content-type')).toMatch(/^multipart\/byteranges; boundary=/)
    const body = await multi.text()
    expect(body).toContain(`content-range: bytes 0-1/${text.length}`)
    expect(body).toContain(text.slice(10, 12))
  }
})

matrix('an unsatisfiable Range is a 416 with the length', app, async (fetch) => {
  const response = await fetch('/docs/guide.txt', { headers: { range: 'bytes=5000-6000' } })
  expect(response.status).toBe(416)
  expect(response.headers.get('content-range')).toBe(`bytes */${text.length}`)
  expect(await response.text()).not.toContain('5000')
})

matrix('HEAD has the GET headers and no body', app, async (fetch) => {
  const response = await fetch('/docs/guide.txt', { method: 'HEAD' })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-length')).toBe(String(text.length))
  expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
  expect(await response.text()).toBe('')
  const missing = await fetch('/nope.txt', { method: 'HEAD' })
  expect(missing.status).toBe(404)
  expect(await missing.text()).toBe('')
})

matrix('missing members, directories, links and dotfiles are 404', app, async (fetch) => {
  for (const path of [
    '/nope.txt',
    '/docs',
    '/docs/',
    '/img',
    '/',
    '',
    '/link',
    '/.env',
    '/docs/guide.txt/',
  ]) {
    const response = await fetch(path)
    expect(response.status, path).toBe(404)
    expect(await response.text()).toBe('Not Found\n')
  }
})

matrix('other methods: 405 with Allow on a member, 404 on a missing one', app, async (fetch) => {
  const post = await fetch('/docs/guide.txt', { method: 'POST', body: 'x' })
  expect(post.status).toBe(405)
  expect(post.headers.get('allow')).toBe('GET, HEAD')
  await post.arrayBuffer()
  const missing = await fetch('/nope', { method: 'DELETE' })
  expect(missing.status).toBe(404)
  await missing.arrayBuffer()
})

matrix(
  'index files are served for directory requests when configured',
  () => archiveApp(zipPath, { index: ['index.htm', 'index.html', 'guide.txt'] }),
  async (fetch) => {
    const root = await fetch('/')
    expect(root.status).toBe(200)
    expect(await root.text()).toBe('<h1>home</h1>')
    const docs = await fetch('/docs/')
    expect(await docs.text()).toBe(text)
    const bare = await fetch('/docs')
    expect(bare.status).toBe(301)
    expect(bare.headers.get('location')).toBe('/docs/')
    const img = await fetch('/img/')
    expect(img.status).toBe(404)
    await img.arrayBuffer()
  },
)

matrix(
  'cacheControl and dotfiles are applied',
  () => archiveApp(zipPath, { cacheControl: { maxAge: 60 }, dotfiles: 'allow', charset: false }),
  async (fetch) => {
    const response = await fetch('/docs/guide.txt')
    expect(response.headers.get('cache-control')).toBe('public, max-age=60')
    expect(response.headers.get('expires')).toMatch(/GMT$/)
    expect(response.headers.get('content-type')).toBe('text/plain')
    await response.arrayBuffer()
    const env = await fetch('/.env')
    expect(env.status).toBe(200)
    expect(await env.text()).toBe('SECRET=1')
  },
)

test('bad options throw a TypeError naming the package', () => {
  expect(() => archiveApp('/nonexistent/x.zip')).toThrow(/@paste\/fileapp-archive: archive/)
  expect(() => archiveApp(zipPath, { format: 'rar' as 'zip' })).toThrow(TypeError)
  expect(() => archiveApp(zipPath.replace(/zip$/, 'rar'))).toThrow(/cannot tell the format/)
  expect(() => archiveApp(zipPath, { maxMemberBytes: -1 })).toThrow(/maxMemberBytes/)
  expect(() => archiveApp(zipPath, { cacheBytes: 1.5 })).toThrow(/cacheBytes/)
  expect(() => archiveApp(zipPath, { metadataTtlMs: Number.NaN })).toThrow(/metadataTtlMs/)
  expect(() => archiveApp(zipPath, { index: ['../x'] })).toThrow(/index/)
  expect(() => archiveApp(zipPath, { dotfiles: 'show' as 'allow' })).toThrow(/dotfiles/)
  expect(() => archiveApp(zipPath, { maxCompressionRatio: 0 })).toThrow(/maxCompressionRatio/)
})
