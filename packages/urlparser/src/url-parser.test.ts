import { fileURLToPath } from 'node:url'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { urlParser } from './index.js'

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url))
const make =
  (name: string, options = {}) =>
  () =>
    urlParser(fixtures + name, { indexNames: ['index', 'Main'], ...options })
const text = async (r: Response) => (await r.text()).trim()

matrix('find files by name or base name (test_find_file)', make('find_file'), async (fetch) => {
  for (const [path, body, type] of [
    ['/', 'index1', 'text/plain'],
    ['/index', 'index1', 'text/plain'],
    ['/index.txt', 'index1', 'text/plain'],
    ['/test2.html', 'test2', 'text/html'],
    ['/test%203.html', 'test 3', 'text/html'],
    ['/dir%20with%20spaces/test%204.html', 'test 4', 'text/html'],
  ] as const) {
    const r = await fetch(path)
    expect(r.status, path).toBe(200)
    expect(r.headers.get('content-type')).toContain(type)
    expect(await text(r)).toBe(body)
  }
  // only data under the root is reachable
  for (const path of [
    '/../secured.txt',
    '/dir%20with%20spaces/../../secured.txt',
    '/%2e%2e/secured.txt',
    '/%2e%2e%3fsecured.txt',
    '/..%3fsecured.txt',
    '/dir%20with%20spaces/%2e%2e/%2e%2e/secured.txt',
  ]) {
    const r = await fetch(path)
    expect(r.status, path).toBe(404)
    expect(await r.text()).not.toContain('secured')
  }
})

matrix(
  'directories redirect to their slash and serve index files (test_deep)',
  make('deep'),
  async (fetch) => {
    expect(await text(await fetch('/'))).toBe('index2')
    const r = await fetch('/sub')
    expect(r.status).toBe(301)
    // Paste sent an absolute URL built from Host; an absolute path cannot be pointed elsewhere
    expect(r.headers.get('location')).toBe('/sub/')
    expect(await text(await fetch('/sub/'))).toBe('index3')
    expect((await fetch('/sub?x=1')).headers.get('location')).toBe('/sub/?x=1')
  },
)

matrix(
  'App modules: application, default export, a factory; rest of path in pathInfo (test_python)',
  make('python'),
  async (fetch) => {
    const r = await fetch('/simpleapp')
    expect(await r.text()).toBe('test1')
    expect(r.headers.get('test-header')).toBe('TEST!')
    expect(r.headers.get('content-type')).toBe('text/html')
    expect(await (await fetch('/stream')).text()).toBe('test2 rest= script=/stream')
    expect(await (await fetch('/stream/a/b%20c')).text()).toBe('test2 rest=/a/b%20c script=/stream')
    expect(await (await fetch('/sub/simpleapp')).text()).toBe('subsimple')
    expect(await (await fetch('/simpleapp.mjs')).text()).toBe('test1')
    // a module exporting no App is not served, and never as source
    const broken = await fetch('/broken')
    expect(broken.status).toBe(404)
    expect(await broken.text()).not.toContain('notAnApp')
  },
)

test('loaded modules are cached: a factory is called once per parser', async () => {
  const app = make('python')()
  const { inProcessFetch } = await import('@paste-tooling/testing')
  const fetch = inProcessFetch(app)
  const g = globalThis as { __pasteStreamFactoryCalls?: number }
  const before = g.__pasteStreamFactoryCalls ?? 0
  for (let i = 0; i < 3; i++) await (await fetch('/stream')).text()
  expect(g.__pasteStreamFactoryCalls).toBe(before + 1)
})

matrix(
  '.ts modules load where the runtime can (vitest can); never served as source',
  make('python'),
  async (fetch) => {
    const r = await fetch('/typed')
    expect(await r.text()).toBe('typed app')
  },
)

matrix('urlparser hook moves the user into scriptName (test_hook)', make('hook'), async (fetch) => {
  expect(await (await fetch('/bob/app')).text()).toBe('user: bob')
  expect(await (await fetch('/tim/')).text()).toBe('index: tim')
})

matrix('not-found hooks (test_not_found_hook)', make('not_found'), async (fetch) => {
  let r = await fetch('/simple/notfound')
  expect(r.status).toBe(200)
  expect(await r.text()).toBe('not found')
  expect(await text(await fetch('/simple/found'))).toBe('is found')
  r = await fetch('/recur/__notfound')
  expect(r.status).toBe(404)
  await r.text()
  r = await fetch('/recur/__isfound')
  expect(r.status).toBe(200)
  expect(await text(r)).toBe('is found')
  expect(await text(await fetch('/user/list'))).toBe('user: undefined')
  r = await fetch('/user/bob/list')
  expect(r.status).toBe(200)
  expect(await text(r)).toBe('user: bob')
})

matrix('hook constructors and wrap; hidden files', make('extras'), async (fetch) => {
  const page = await fetch('/page')
  expect(await page.text()).toBe('<h1>Title</h1>')
  expect(page.headers.get('x-wrapped')).toBe('extras')
  const plain = await fetch('/plain')
  expect(await text(plain)).toBe('plain')
  expect(plain.headers.get('x-wrapped')).toBe('extras')
  for (const hidden of ['/_urlparser.mjs', '/_urlparser', '/plain.txt.bak', '/plain.txt/extra']) {
    const r = await fetch(hidden)
    expect(r.status, hidden).toBe(404)
    expect(await r.text()).not.toContain('constructors')
  }
})

describe('ambiguity', () => {
  test('two files sharing a base name and no exact match: 404 and a warning', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = mkdtempSync(join(tmpdir(), 'paste-ambiguous-'))
    writeFileSync(join(dir, 'a.txt'), 'txt')
    writeFileSync(join(dir, 'a.html'), 'html')
    const warnings: unknown[] = []
    const { inProcessFetch } = await import('@paste-tooling/testing')
    const logger = { error() {}, info() {}, debug() {}, warn: (m: string) => warnings.push(m) }
    const fetch = inProcessFetch(urlParser(dir), { logger })
    expect((await fetch('/a')).status).toBe(404)
    expect(warnings).toHaveLength(1)
    expect(await (await fetch('/a.txt')).text()).toBe('txt')
    rmSync(dir, { recursive: true })
  })
})
