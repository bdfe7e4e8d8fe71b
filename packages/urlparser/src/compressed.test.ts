import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipe } from '@paste/core'
import { gzip } from '@paste/gzip'
import { curl, rawRequest, useServer } from '@paste-tooling/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { staticParser } from './index.js'

// How the demo serves its assets: staticParser under gzip().
const root = mkdtempSync(join(tmpdir(), 'paste-assets-'))
const css = `${'.a { color: red }\n'.repeat(2000)}`
const png = Buffer.alloc(5000, 7)
writeFileSync(join(root, 'style.css'), css)
writeFileSync(join(root, 'logo.png'), png)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('static assets through gzip(), checked with curl and raw requests', () => {
  const server = useServer(() => pipe(staticParser(root, { cacheControl: { maxAge: 60 } }), gzip()))
  test('text is compressed, images are not, both vary on Accept-Encoding', async () => {
    const url = server().url
    const head = (
      await curl(['--compressed', '-D', '-', '-o', '/dev/null', `${url}/style.css`])
    ).stdout.toString()
    expect(head).toMatch(/content-encoding: (br|gzip)/i)
    expect(head).toMatch(/vary: Accept-Encoding/i)
    expect(head).toMatch(/etag: W\//i)
    expect((await curl(['--compressed', `${url}/style.css`])).stdout.toString()).toBe(css)
    const img = (
      await curl(['--compressed', '-D', '-', '-o', '/dev/null', `${url}/logo.png`])
    ).stdout.toString()
    expect(img).not.toMatch(/content-encoding/i)
    expect(img).toMatch(/vary: Accept-Encoding/i)
    expect((await curl([`${url}/logo.png`])).stdout.equals(png)).toBe(true)
  })
  test('revalidating the weakened ETag gets a 304 with the same weak tag', async () => {
    const url = server().url
    const first = await rawRequest(url, '/style.css', { 'Accept-Encoding': 'gzip' })
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^W\/"/)
    const again = await rawRequest(url, '/style.css', {
      'Accept-Encoding': 'gzip',
      'If-None-Match': etag,
    })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(etag)
    expect(again.headers.get('cache-control')).toBe('public, max-age=60')
    expect(again.body.length).toBe(0)
  })
  test('a Range on a compressible file is served as identity bytes (206 passes through)', async () => {
    const out = (
      await curl(['-r', '0-9', '-H', 'Accept-Encoding: gzip', `${server().url}/style.css`])
    ).stdout.toString()
    expect(out).toBe(css.slice(0, 10))
  })
})
