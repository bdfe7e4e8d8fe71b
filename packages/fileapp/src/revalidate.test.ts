import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { matrix } from '@paste-tooling/testing'
import { afterAll, expect, test } from 'vitest'
import { directoryApp } from './index.js'

const dir = mkdtempSync(join(tmpdir(), 'paste-revalidate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
mkdirSync(join(dir, 'sub'))
writeFileSync(join(dir, 'a.txt'), 'a'.repeat(1000))
writeFileSync(join(dir, 'sub', 'b.txt'), 'b'.repeat(100))
writeFileSync(join(dir, '.secret'), 'no')

matrix(
  'revalidation: the shared 304 init and the remembered path resolutions',
  () => directoryApp(dir),
  async (fetch, transport) => {
    const first = await fetch('/a.txt')
    const etag = first.headers.get('etag')!
    expect(first.headers.get('last-modified')).not.toBeNull()
    await first.arrayBuffer()
    for (let i = 0; i < 3; i++) {
      const res = await fetch('/a.txt', { headers: { 'if-none-match': etag } })
      expect(res.status).toBe(304)
      expect(res.headers.get('etag')).toBe(etag)
      // a 304 keeps the ETag, not Last-Modified or Content-Type (RFC 9110 section 15.4.5)
      expect(res.headers.get('last-modified')).toBeNull()
      expect(res.headers.get('content-type')).toBeNull()
      expect(await res.text()).toBe('')
      // a later filter may change a 304's headers (in process the app's own Response is
      // returned): that must not reach the next one
      if (transport === 'in-process') {
        res.headers.set('etag', '"tampered"')
        res.headers.set('x-added', '1')
      }
    }
    const again = await fetch('/a.txt', { headers: { 'if-none-match': etag } })
    expect(again.headers.get('etag')).toBe(etag)
    expect(again.headers.has('x-added')).toBe(false)
    // a list and a weak form still match; another tag does not
    expect((await fetch('/a.txt', { headers: { 'if-none-match': `"x", W/${etag}` } })).status).toBe(
      304,
    )
    const other = await fetch('/a.txt', { headers: { 'if-none-match': '"x"' } })
    expect(other.status).toBe(200)
    expect((await other.text()).length).toBe(1000)
    // remembered resolutions answer the same every time, refusals included
    for (let i = 0; i < 2; i++) {
      expect((await fetch('/sub/b.txt')).status).toBe(200)
      expect((await fetch('/.secret')).status).toBe(404)
      expect((await fetch('/a%00.txt')).status).toBe(400)
      expect((await fetch('/a.txt/')).status).toBe(404)
    }
  },
)

test('cached metadata answers synchronously (no promise), a cold cache with a promise', async () => {
  const { createContext } = await import('@paste/core')
  const app = directoryApp(dir)
  const call = () => {
    const request = new Request('http://localhost/a.txt')
    return app(request, createContext(request))
  }
  const cold = call()
  expect(cold).toBeInstanceOf(Promise)
  expect((await cold).status).toBe(200)
  const warm = call()
  expect(warm).toBeInstanceOf(Response)
  expect(await (warm as Response).text()).toBe('a'.repeat(1000))
})
