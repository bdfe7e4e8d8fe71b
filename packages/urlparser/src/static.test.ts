import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { type App, isPathPrefix } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { packageParser, staticParser } from './index.js'

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url))
const text = async (r: Response) => (await r.text()).trim()
/** Mounts an app under /mnt (as urlMap would), so its own pathInfo can be ''. */
const mount =
  (app: App): App =>
  (request, context) =>
    isPathPrefix('/mnt', context.pathInfo)
      ? app(request, context.shift('/mnt'))
      : new Response('outside', { status: 404 })

matrix(
  'staticParser serves a directory (test_static_parser)',
  () => staticParser(`${fixtures}find_file`),
  async (fetch) => {
    expect((await fetch('/')).status).toBe(404) // no index.html here
    expect(await text(await fetch('/index.txt'))).toBe('index1')
    expect((await fetch('/index.txt/foo')).status).toBe(404)
    expect(await text(await fetch('/test%203.html'))).toBe('test 3')
    expect(await text(await fetch('/dir%20with%20spaces/test%204.html'))).toBe('test 4')
    for (const path of [
      '/../secured.txt',
      '/dir%20with%20spaces/../../secured.txt',
      '/%2e%2e/secured.txt',
      '/dir%20with%20spaces/%2e%2e/%2e%2e/secured.txt',
      '/dir%20with%20spaces/',
    ]) {
      const r = await fetch(path)
      expect(r.status, path).toBe(404)
      expect(await r.text()).not.toContain('secured')
    }
    const dir = await fetch('/dir%20with%20spaces')
    expect(dir.status).toBe(301)
    expect(dir.headers.get('location')).toBe('/dir%20with%20spaces/')
  },
)

matrix(
  'a 404 reflects nothing of the URL (test_xss)',
  () => staticParser(`${fixtures}find_file`),
  async (fetch) => {
    const r = await fetch("/-->%0D<script>alert('xss')</script>", {
      headers: { accept: 'text/html' },
    })
    expect([400, 404]).toContain(r.status)
    const body = await r.text()
    expect(body).not.toContain('<script>')
    expect(body).not.toContain('-->')
  },
)

matrix(
  "the mount point itself redirects to its slash (Paste: get('') is a 301)",
  () => mount(staticParser(`${fixtures}find_file`)),
  async (fetch) => {
    const r = await fetch('/mnt?q=1')
    expect(r.status).toBe(301)
    expect(r.headers.get('location')).toBe('/mnt/?q=1')
    expect(await text(await fetch('/mnt/index.txt'))).toBe('index1')
  },
)

matrix(
  'index files, and the redirect stays on this host',
  () => staticParser(`${fixtures}deep`),
  async (fetch) => {
    expect(await text(await fetch('/'))).toBe('index2')
    expect((await fetch('/sub/')).status).toBe(404) // Main.txt is not an index.html
    for (const [path, location] of [
      ['/sub', '/sub/'],
      ['/sub?a=%0d%0aSet-Cookie:x', '/sub/?a=%0d%0aSet-Cookie:x'],
    ] as const) {
      const r = await fetch(path)
      expect(r.status, path).toBe(301)
      expect(r.headers.get('location')).toBe(location)
    }
  },
)

matrix(
  'HEAD mirrors GET without a body: files, revalidation, the directory redirect, 404',
  () => staticParser(`${fixtures}find_file`),
  async (fetch) => {
    const get = await fetch('/index.txt')
    const getBody = await get.text()
    const head = await fetch('/index.txt', { method: 'HEAD' })
    expect(head.status).toBe(200)
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified'])
      expect(head.headers.get(name), name).toBe(get.headers.get(name))
    expect(Number(head.headers.get('content-length'))).toBe(
      new TextEncoder().encode(getBody).length,
    )
    expect(await head.text()).toBe('')
    const etag = head.headers.get('etag')!
    const revalidated = await fetch('/index.txt', {
      method: 'HEAD',
      headers: { 'if-none-match': etag },
    })
    expect(revalidated.status).toBe(304)
    expect(revalidated.headers.get('etag')).toBe(etag)
    const dir = await fetch('/dir%20with%20spaces', { method: 'HEAD' })
    expect(dir.status).toBe(301)
    expect(dir.headers.get('location')).toBe('/dir%20with%20spaces/')
    expect(await dir.text()).toBe('')
    const missing = await fetch('/nothing-here.txt', { method: 'HEAD' })
    expect(missing.status).toBe(404)
    expect(await missing.text()).toBe('')
  },
)

describe('precompressed siblings', () => {
  const root = mkdtempSync(join(tmpdir(), 'paste-precompressed-'))
  const js = 'console.log("hello");\n'.repeat(100)
  writeFileSync(join(root, 'app.js'), js)
  writeFileSync(join(root, 'app.js.gz'), gzipSync(js))
  writeFileSync(join(root, 'app.js.br'), brotliCompressSync(js))
  writeFileSync(join(root, 'only.css'), 'body{}')
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  matrix(
    'served when accepted, with the original type, Vary and their own ETag',
    () => staticParser(root, { precompressed: ['br', 'gzip'] }),
    async (fetch, transport) => {
      const plain = await fetch('/app.js', { headers: { 'accept-encoding': 'identity' } })
      expect(plain.headers.get('content-encoding')).toBeNull()
      expect(plain.headers.get('vary')).toBe('Accept-Encoding')
      expect(await plain.text()).toBe(js)
      const etags = new Set([plain.headers.get('etag')])
      for (const [accept, coding] of [
        ['gzip', 'gzip'],
        ['br, gzip', 'br'],
        ['gzip, br;q=0.5', 'gzip'],
        ['br;q=0, gzip;q=0', null],
      ] as const) {
        const r = await fetch('/app.js', { headers: { 'accept-encoding': accept } })
        expect(r.headers.get('content-encoding'), accept).toBe(coding)
        expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
        expect(r.headers.get('vary')).toBe('Accept-Encoding')
        etags.add(r.headers.get('etag'))
        const body = new Uint8Array(await r.arrayBuffer())
        if (transport === 'in-process' && coding !== null)
          expect(body.length).toBeLessThan(js.length)
      }
      expect(etags.size).toBe(3)
      const css = await fetch('/only.css', { headers: { 'accept-encoding': 'br, gzip' } })
      expect(css.headers.get('content-encoding')).toBeNull()
      expect(await css.text()).toBe('body{}')
    },
  )
})

describe('symlinks and dotfiles', () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'paste-links-')))
  const root = join(base, 'static')
  mkdirSync(join(root, 'sub'), { recursive: true })
  mkdirSync(join(base, 'static-secret'))
  writeFileSync(join(base, 'static-secret', 'key'), 'TOPSECRET')
  writeFileSync(join(root, 'sub', 'ok.txt'), 'ok')
  writeFileSync(join(root, '.env'), 'TOPSECRET=1')
  symlinkSync(join(base, 'static-secret', 'key'), join(root, 'leak'))
  symlinkSync(join(base, 'static-secret'), join(root, 'leakdir'))
  symlinkSync(join(root, 'sub'), join(root, 'alias'))
  afterAll(() => rmSync(base, { recursive: true, force: true }))
  matrix(
    'links leaving the root (even to a sibling sharing its prefix) are refused',
    () => staticParser(root),
    async (fetch) => {
      for (const path of ['/leak', '/leakdir/key', '/leakdir/', '/.env']) {
        const r = await fetch(path)
        expect(r.status, path).toBe(404)
        expect(await r.text()).not.toContain('TOPSECRET')
      }
      expect(await fetch('/alias/ok.txt').then((r) => r.text())).toBe('ok')
    },
  )
  matrix(
    'unless allowed',
    () => staticParser(root, { followSymlinks: true, dotfiles: 'deny' }),
    async (fetch) => {
      expect(await (await fetch('/leakdir/key')).text()).toBe('TOPSECRET')
      expect((await fetch('/.env')).status).toBe(403)
    },
  )
})

describe('packageParser (test_egg_parser)', () => {
  const from = fileURLToPath(new URL('..', import.meta.url))
  matrix(
    'serves files of an installed package, resolved as Node resolves it',
    () => mount(packageParser('@paste/core', 'src', { from })),
    async (fetch) => {
      const slash = await fetch('/mnt')
      expect(slash.status).toBe(301)
      expect(slash.headers.get('location')).toBe('/mnt/')
      expect((await fetch('/mnt/')).status).toBe(404)
      const app = await fetch('/mnt/app.ts')
      expect(app.status).toBe(200)
      expect(await app.text()).toContain('export type App')
      expect((await fetch('/mnt/app')).status).toBe(404)
      expect((await fetch('/mnt/app.ts/foo')).status).toBe(404)
      for (const path of [
        '/mnt/../package.json',
        '/mnt/%2e%2e/package.json',
        '/mnt/../../../package.json',
        '/mnt/..%2fpackage.json',
      ]) {
        const r = await fetch(path)
        expect([400, 404], path).toContain(r.status)
        expect(await r.text()).not.toContain('"name"')
      }
    },
  )
  test('a package whose exports hide package.json is found along the node_modules path', async () => {
    const app = mkdtempSync(join(tmpdir(), 'paste-pkg-'))
    const pkg = join(app, 'node_modules', 'hidden-exports')
    mkdirSync(join(pkg, 'public'), { recursive: true })
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'hidden-exports', exports: { '.': './index.js' } }),
    )
    writeFileSync(join(pkg, 'index.js'), 'export {}\n')
    writeFileSync(join(pkg, 'public', 'hello.txt'), 'hello from a package')
    const { inProcessFetch } = await import('@paste-tooling/testing')
    const fetch = inProcessFetch(packageParser('hidden-exports', 'public', { from: app }))
    expect(await (await fetch('/hello.txt')).text()).toBe('hello from a package')
    expect((await fetch('/../package.json')).status).toBe(404)
    rmSync(app, { recursive: true, force: true })
  })
  test('configuration errors', () => {
    expect(() => packageParser('no-such-package-xyz', '', { from })).toThrow(
      /@paste\/urlparser: package "no-such-package-xyz" is not installed/,
    )
    expect(() => packageParser('../etc', '', { from })).toThrow(TypeError)
    expect(() => packageParser('@paste/core', '../..', { from })).toThrow(/subdirectory/)
  })
})
