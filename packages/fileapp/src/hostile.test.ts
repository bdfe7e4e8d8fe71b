import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, sep } from 'node:path'
import { contextFromParts, normalizePath } from '@paste/core'
import { rawRequest, TRAVERSAL_TARGETS, traversalPath, useServer } from '@paste-tooling/testing'
import fc from 'fast-check'
import { afterAll, describe, expect, test } from 'vitest'
import { directoryApp, resolveInside } from './index.js'

// /tmp/x/static (served), /tmp/x/static-secret/key and /tmp/x/secret.txt (must never leak)
const base = realpathSync(mkdtempSync(join(tmpdir(), 'paste-hostile-')))
const root = join(base, 'static')
mkdirSync(join(root, 'sub'), { recursive: true })
mkdirSync(join(base, 'static-secret'))
writeFileSync(join(root, 'ok.txt'), 'public')
writeFileSync(join(root, 'sub', 'deep.txt'), 'deep')
writeFileSync(join(base, 'static-secret', 'key'), 'TOPSECRET-sibling')
writeFileSync(join(base, 'secret.txt'), 'TOPSECRET-parent')
afterAll(() => rmSync(base, { recursive: true, force: true }))

/** Hostile request targets, sent byte for byte: the shared list plus directoryApp's own. */
const HOSTILE = [...TRAVERSAL_TARGETS, '/%zz', '//evil.com/%2e%2e', '/sub/.%2e/.%2e/secret.txt']

describe('traversal through a real server with raw requests', () => {
  const server = useServer(() => directoryApp(root))
  for (const target of HOSTILE) {
    test(`refused: ${target.slice(0, 60)}`, async () => {
      const res = await rawRequest(server().url, target)
      expect([400, 403, 404]).toContain(res.status)
      const body = res.body.toString('latin1')
      expect(body).not.toContain('TOPSECRET')
      expect(body).not.toContain(base)
    })
  }
  test('the legitimate files still work', async () => {
    expect((await rawRequest(server().url, '/sub/deep.txt')).body.toString()).toBe('deep')
    expect((await rawRequest(server().url, '/sub/./../ok.txt')).body.toString()).toBe('public')
  })
})

describe('hostile conditional and Range headers through the real server: never a 500', () => {
  const server = useServer(() => directoryApp(root))
  const cases: Record<string, string>[] = [
    { Range: `bytes=${'0-0,'.repeat(3000)}0-0` },
    { Range: 'bytes=-99999999999999999999' },
    { Range: 'bytes=99999999999999999999-' },
    { Range: 'bytes=0-0\u0000' },
    { Range: `bytes=${'9'.repeat(5000)}-` },
    { 'If-None-Match': '"a",'.repeat(3000) },
    { 'If-None-Match': 'W/W/W/"x' },
    { 'If-Match': ',,,,"' },
    { 'If-Modified-Since': 'x'.repeat(8000) },
    { 'If-Unmodified-Since': 'Mon, 99 Foo 99999 99:99:99 GMT' },
    { 'If-Range': '<script>', Range: 'bytes=0-1' },
    { 'If-Range': 'W/"x"', Range: 'bytes=0-1' },
    { 'Cache-Control': 'max-age=0'.repeat(1000) },
  ]
  for (const headers of cases) {
    const label = Object.entries(headers)
      .map(([k, v]) => JSON.stringify(`${k}: ${v.slice(0, 24)}`))
      .join(' ')
    test(label, async () => {
      const res = await rawRequest(server().url, '/ok.txt', headers)
      // 400 is Node's own answer to a NUL in a header value
      expect([200, 206, 304, 400, 412, 416]).toContain(res.status)
      const body = res.body.toString('latin1')
      expect(body).not.toContain('<script>')
      if (res.status === 200) expect(body).toBe('public')
    })
  }
})

describe('property: the resolved file is inside the root, or the request is refused', () => {
  const target = traversalPath(['a', 'ok.txt', 'sub', 'static-secret', 'secret.txt'], 24)

  test('resolveInside on every normalised path', () => {
    fc.assert(
      fc.property(target, (raw) => {
        const pathInfo = normalizePath(raw)
        if (pathInfo === null) return // the server answers 400 before any app runs
        const r = resolveInside(root, pathInfo)
        if (!r.ok) return
        const rel = relative(root, r.path)
        expect(rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))).toBe(true)
        expect(r.path === root || r.path.startsWith(root + sep)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  test('directoryApp never answers with a file outside the root, never a 500', async () => {
    const app = directoryApp(root)
    await fc.assert(
      fc.asyncProperty(target, async (raw) => {
        let context: ReturnType<typeof contextFromParts>
        try {
          context = contextFromParts({
            target: raw,
            header: (n) => (n === 'host' ? 'localhost' : null),
            secure: false,
          })
        } catch {
          return // malformed target: 400 from the server
        }
        const res = await app(new Request('http://localhost/'), context)
        const body = await res.text()
        expect(res.status).not.toBe(500)
        expect(body).not.toContain('TOPSECRET')
        if (res.status === 200) expect(['public', 'deep']).toContain(body)
      }),
      { numRuns: 500 },
    )
  })
})
