import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type App, contextFromParts } from '@paste/core'
import { rawRequest, TRAVERSAL_TARGETS, traversalPath, useServer } from '@paste-tooling/testing'
import fc from 'fast-check'
import { afterAll, describe, expect, test } from 'vitest'
import { packageParser, staticParser, urlParser } from './index.js'

// base/static is served; base/static-secret and base/secret.txt must never leak
const base = realpathSync(mkdtempSync(join(tmpdir(), 'paste-urlparser-hostile-')))
const root = join(base, 'static')
mkdirSync(join(root, 'sub'), { recursive: true })
mkdirSync(join(root, 'evil.com'), { recursive: true })
mkdirSync(join(base, 'static-secret'))
writeFileSync(join(root, 'ok.txt'), 'public')
writeFileSync(join(root, 'index.html'), 'home')
writeFileSync(join(root, 'sub', 'deep.txt'), 'deep')
writeFileSync(join(root, 'evil.com', 'index.html'), 'evil dir')
writeFileSync(join(base, 'static-secret', 'key'), 'TOPSECRET-sibling')
writeFileSync(join(base, 'secret.txt'), 'TOPSECRET-parent')
symlinkSync(join(base, 'static-secret'), join(root, 'static-secret-link'))
afterAll(() => rmSync(base, { recursive: true, force: true }))

/** Hostile request targets: the shared list plus a symlink that leaves the root. */
const HOSTILE = [...TRAVERSAL_TARGETS, '/static-secret-link/key']

const apps: [string, () => App][] = [
  ['staticParser', () => staticParser(root)],
  ['urlParser', () => urlParser(root)],
  [
    'packageParser',
    () => packageParser('@paste/core', '', { from: join(import.meta.dirname, '..') }),
  ],
]

for (const [name, make] of apps) {
  describe(`${name}: hostile paths through a real server (raw sockets)`, () => {
    const server = useServer(make)
    for (const target of HOSTILE) {
      test(`refused: ${target.slice(0, 50)}`, async () => {
        const res = await rawRequest(server().url, target)
        expect([400, 403, 404]).toContain(res.status)
        const body = res.body.toString('latin1')
        expect(body).not.toContain('TOPSECRET')
        expect(body).not.toContain(base)
        expect(body).not.toContain('"name": "@paste/core"')
      })
    }
  })
}

describe('redirects never leave the host', () => {
  for (const [name, make] of apps.slice(0, 2)) {
    const server = useServer(make)
    test(`${name}: //evil.com and friends`, async () => {
      for (const target of [
        '//evil.com',
        '//evil.com/%2e%2e',
        '///evil.com',
        '/%2fevil.com',
        '/\\evil.com',
        '//evil.com?x=//y',
      ]) {
        const res = await rawRequest(server().url, target)
        const location = res.headers.get('location')
        expect([200, 301, 400, 404], target).toContain(res.status)
        if (location !== undefined) {
          expect(location, target).toMatch(/^\/(?![/\\])/)
          expect(new URL(location, 'http://host.example/').host).toBe('host.example')
        }
      }
      const r = await rawRequest(server().url, '//evil.com')
      expect(r.status).toBe(301)
      expect(r.headers.get('location')).toBe('/evil.com/')
    })
  }
})

describe('property: any request path gets a file inside the root or a refusal, never a 500', () => {
  const target = traversalPath(
    [
      'ok.txt',
      'sub',
      'deep.txt',
      'static-secret',
      'static-secret-link',
      'key',
      'secret.txt',
      'evil.com',
      'index',
    ],
    20,
  )
  for (const [name, make] of apps.slice(0, 2)) {
    test(name, async () => {
      const app = make()
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
            return // a malformed target is a 400 before any app runs
          }
          const res = await app(new Request('http://localhost/'), context)
          const body = await res.text()
          expect(res.status).not.toBe(500)
          expect(body).not.toContain('TOPSECRET')
          if (res.status === 200) expect(['public', 'home', 'deep', 'evil dir']).toContain(body)
        }),
        { numRuns: 400 },
      )
    })
  }
})
