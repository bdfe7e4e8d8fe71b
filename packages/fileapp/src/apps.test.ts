import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createContext } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { dataApp, directoryApp, fileApp } from './index.js'

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
const dir = mkdtempSync(join(tmpdir(), 'paste-fileapp-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
function tempFile(content: string | Uint8Array, name = `f${n++}.txt`): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

matrix(
  'dataApp: content, type and length (test_data)',
  () => dataApp(new TextEncoder().encode('mycontent')),
  async (fetch) => {
    const res = await fetch('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(res.headers.get('content-length')).toBe('9')
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect(await res.text()).toBe('mycontent')
  },
)

matrix(
  'dataApp: Cache-Control and Expires on the response (test_cache)',
  () => dataApp('SomeContent', { cacheControl: { maxAge: 60, sMaxage: 30 } }),
  async (fetch) => {
    const res = await fetch('/')
    expect(res.headers.get('cache-control')).toBe('public, max-age=60, s-maxage=30')
    const expires = Date.parse(res.headers.get('expires')!)
    expect(expires).toBeGreaterThan(Date.now() + 58_000)
    expect(expires).toBeLessThan(Date.now() + 61_000)
    await res.arrayBuffer()
  },
)

matrix(
  'dataApp: disposition with a file name sets the type (test_disposition)',
  () => dataApp('SomeContent', { disposition: { filename: 'bing.txt' } }),
  async (fetch) => {
    const res = await fetch('/')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="bing.txt"')
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    await res.arrayBuffer()
  },
)

matrix(
  'dataApp: If-Modified-Since and If-None-Match (test_modified)',
  () => dataApp('mycontent'),
  async (fetch) => {
    const res = await fetch('/')
    const lastModified = res.headers.get('last-modified')!
    const etag = res.headers.get('etag')!
    await res.arrayBuffer()
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/)
    for (const headers of [
      { 'if-modified-since': lastModified },
      { 'if-modified-since': `${lastModified}; length=1506` },
      { 'if-none-match': etag },
      { 'if-none-match': `W/${etag}` },
    ]) {
      const r = await fetch('/', { headers })
      expect(r.status).toBe(304)
      expect(r.headers.get('etag')).toBe(etag)
      // section 15.4.5: no representation metadata beyond the listed fields when there is an ETag
      expect(r.headers.get('last-modified')).toBeNull()
      expect(r.headers.get('content-length')).toBeNull()
      expect(r.headers.get('content-type')).toBeNull()
      expect(await r.text()).toBe('')
    }
    // Paste answered 400 to a bad or future date; RFC 9110 section 13.1.3 says ignore the header
    for (const date of ['garbage', 'Thu, 22 Dec 3030 01:01:01 GMT']) {
      const r = await fetch('/', { headers: { 'if-modified-since': date } })
      expect(r.status, date).toBe(date === 'garbage' ? 200 : 304)
      await r.arrayBuffer()
    }
    const old = await fetch('/', {
      headers: { 'if-modified-since': 'Sat, 1 Jan 2005 12:00:00 GMT' },
    })
    expect(old.status).toBe(200)
    expect(await old.text()).toBe('mycontent')
  },
)

matrix(
  '304 keeps Cache-Control, Expires and ETag (RFC 9110 section 15.4.5)',
  () => dataApp('x', { cacheControl: { maxAge: 600 } }),
  async (fetch) => {
    const etag = (await fetch('/', { method: 'HEAD' })).headers.get('etag')!
    const r = await fetch('/', { headers: { 'if-none-match': etag } })
    expect(r.status).toBe(304)
    expect(r.headers.get('cache-control')).toBe('public, max-age=600')
    expect(r.headers.get('expires')).not.toBeNull()
    expect(r.headers.get('etag')).toBe(etag)
    expect(r.headers.get('last-modified')).toBeNull()
  },
)

matrix(
  'If-Match and If-Unmodified-Since answer 412',
  () => dataApp('abc', { lastModified: new Date('2020-01-01T00:00:00Z') }),
  async (fetch) => {
    const r1 = await fetch('/', { headers: { 'if-match': '"nope"' } })
    expect(r1.status).toBe(412)
    await r1.arrayBuffer()
    const r2 = await fetch('/', {
      headers: { 'if-unmodified-since': 'Tue, 31 Dec 2019 00:00:00 GMT' },
    })
    expect(r2.status).toBe(412)
    await r2.arrayBuffer()
    const r3 = await fetch('/', {
      headers: { 'if-unmodified-since': 'Wed, 01 Jan 2020 00:00:00 GMT' },
    })
    expect(r3.status).toBe(200)
    expect(await r3.text()).toBe('abc')
  },
)

matrix(
  'methods: HEAD mirrors GET without a body, POST is 405 (test_methods)',
  () => fileApp(tempFile('secured\n')),
  async (fetch) => {
    const get = await fetch('/')
    const getHeaders = [...get.headers].filter(
      ([k]) => k !== 'date' && k !== 'connection' && k !== 'keep-alive',
    )
    await get.arrayBuffer()
    const head = await fetch('/', { method: 'HEAD' })
    expect(
      [...head.headers].filter(([k]) => k !== 'date' && k !== 'connection' && k !== 'keep-alive'),
    ).toEqual(getHeaders)
    expect(await head.text()).toBe('')
    const post = await fetch('/', { method: 'POST', body: 'x' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    await post.arrayBuffer()
  },
)

describe('fileApp sees changes (test_file)', () => {
  matrix(
    'a request with Cache-Control: max-age=0 re-reads the file, large or small',
    () => fileApp(join(dir, 'grow.txt'), { inlineBytes: 4096 }),
    async (fetch) => {
      const content = LETTERS.repeat(20)
      const path = tempFile(content, 'grow.txt')
      const r1 = await fetch('/')
      expect(r1.headers.get('content-type')).toBe('text/plain; charset=utf-8')
      expect(await r1.text()).toBe(content)
      appendFileSync(path, '0123456789')
      const r2 = await fetch('/', { headers: { 'cache-control': 'max-age=0' } })
      expect(r2.headers.get('content-length')).toBe(String(content.length + 10))
      expect(await r2.text()).toBe(`${content}0123456789`)
      appendFileSync(path, `${'X'.repeat(4096)}YZ`)
      const r3 = await fetch('/', { headers: { 'cache-control': 'no-cache' } })
      const body = await r3.text()
      expect(body.length).toBe(content.length + 4096 + 12)
      expect(body.startsWith(content) && body.endsWith('XYZ')).toBe(true)
    },
  )
  matrix(
    'changes show after the stat TTL without any hint',
    () => fileApp(join(dir, 'ttl.txt'), { statTtl: 0 }),
    async (fetch) => {
      const path = tempFile('one', 'ttl.txt')
      expect(await (await fetch('/')).text()).toBe('one')
      writeFileSync(path, 'two!')
      utimesSync(path, new Date(), new Date(Date.now() + 5000))
      expect(await (await fetch('/')).text()).toBe('two!')
    },
  )
  matrix(
    'within the stat TTL the cached metadata answers; after it the change shows',
    () => fileApp(join(dir, 'ttl-1s.txt'), { statTtl: 1000 }),
    async (fetch) => {
      const path = tempFile('one', 'ttl-1s.txt')
      expect(await (await fetch('/')).text()).toBe('one')
      writeFileSync(path, 'two!')
      utimesSync(path, new Date(), new Date(Date.now() + 5000))
      // still the cached length and validators: the stored bytes, never a torn body
      expect(await (await fetch('/')).text()).toBe('one')
      await new Promise((r) => setTimeout(r, 1100))
      expect(await (await fetch('/')).text()).toBe('two!')
    },
  )
  matrix(
    'with watch: true a change is seen through fs.watch, whatever the TTL',
    () => fileApp(join(dir, 'watched.txt'), { watch: true, statTtl: 3_600_000 }),
    async (fetch) => {
      const path = tempFile('before', 'watched.txt')
      expect(await (await fetch('/')).text()).toBe('before')
      writeFileSync(path, 'after!')
      const until = Date.now() + 5000
      let body = ''
      while (Date.now() < until && (body = await (await fetch('/')).text()) !== 'after!')
        await new Promise((r) => setTimeout(r, 25))
      expect(body).toBe('after!')
    },
  )
  matrix(
    'an unreadable file is a 403, decided before any header is sent',
    () => fileApp(join(dir, 'locked.bin'), { inlineBytes: 0 }),
    async (fetch) => {
      const path = tempFile('x'.repeat(100), 'locked.bin')
      chmodSync(path, 0o000)
      const r = await fetch('/')
      // root reads anything: then the file is simply served
      expect(r.status).toBe(process.getuid?.() === 0 ? 200 : 403)
      await r.arrayBuffer()
    },
  )
  matrix(
    'a missing file is a plain 404 without its path',
    () => fileApp(join(dir, 'nope', 'missing.txt')),
    async (fetch) => {
      const r = await fetch('/')
      expect(r.status).toBe(404)
      expect(await r.text()).not.toContain(dir)
    },
  )
})

function exerciseRanges(makeApp: () => ReturnType<typeof dataApp>, content: string, name: string) {
  matrix(`ranges (_excercize_range): ${name}`, makeApp, async (fetch) => {
    const get = async (range: string, status = 206) => {
      const r = await fetch('/', { headers: { range } })
      expect(r.status, range).toBe(status)
      return { r, body: await r.text() }
    }
    let { r, body } = await get(`bytes=0-${content.length - 1}`)
    expect(r.headers.get('accept-ranges')).toBe('bytes')
    expect(body).toBe(content)
    expect(r.headers.get('content-length')).toBe(String(content.length))
    expect(r.headers.get('content-range')).toBe(`bytes 0-${content.length - 1}/${content.length}`)
    ;({ body } = await get(`bytes=-${content.length - 1}`))
    expect(body).toBe(content.slice(1))
    ;({ body } = await get('bytes=0-'))
    expect(body).toBe(content)
    ;({ r, body } = await get('bytes=0-9'))
    expect(body).toBe(content.slice(0, 10))
    expect(r.headers.get('content-length')).toBe('10')
    ;({ r, body } = await get(`bytes=${content.length - 1}-`))
    expect(body).toBe('Z')
    expect(r.headers.get('content-length')).toBe('1')
    ;({ r, body } = await get('bytes=3-17'))
    expect(body).toBe(content.slice(3, 18))
    expect(r.headers.get('content-length')).toBe('15')
    // Paste answered 416 here; RFC 9110 section 14.1.2 says clamp the end
    ;({ r, body } = await get(`bytes=0-${content.length + 1}`))
    expect(body).toBe(content)
    expect(r.headers.get('content-range')).toBe(`bytes 0-${content.length - 1}/${content.length}`)
    // unsatisfiable: 416 with the length, and the Range header is not echoed
    ;({ r, body } = await get(`bytes=${content.length}-<script>`, 200))
    ;({ r, body } = await get(`bytes=${content.length + 5}-${content.length + 9}`, 416))
    expect(r.headers.get('content-range')).toBe(`bytes */${content.length}`)
    expect(body).not.toContain(String(content.length + 5))
  })
}
const small = LETTERS.repeat(5)
const large = LETTERS.repeat(1 + Math.floor(70_000 / LETTERS.length))
exerciseRanges(() => dataApp(small), small, 'in-memory data')
exerciseRanges(() => fileApp(tempFile(small)), small, 'small file (kept in memory)')
exerciseRanges(() => fileApp(tempFile(large)), large, 'large file (read from disk, across chunks)')

matrix(
  'multiple ranges as multipart/byteranges, parsed back',
  () => fileApp(tempFile(large)),
  async (fetch) => {
    const r = await fetch('/', { headers: { range: 'bytes=0-4, 100-109, -3' } })
    expect(r.status).toBe(206)
    const type = r.headers.get('content-type')!
    const boundary = /^multipart\/byteranges; boundary=([0-9a-f]+)$/.exec(type)?.[1]
    expect(boundary).toBeDefined()
    const body = await r.text()
    expect(body.length).toBe(Number(r.headers.get('content-length')))
    const parts = body.split(`--${boundary}`).slice(1, -1)
    expect(parts).toHaveLength(3)
    const expected = [
      [0, 5],
      [100, 110],
      [large.length - 3, large.length],
    ] as const
    parts.forEach((part, i) => {
      const [start, end] = expected[i]!
      expect(part).toContain(`content-range: bytes ${start}-${end - 1}/${large.length}`)
      expect(part).toContain('content-type: text/plain; charset=utf-8')
      expect(part.split('\r\n\r\n')[1]!.replace(/\r\n$/, '')).toBe(large.slice(start, end))
    })
    expect(body.endsWith(`--${boundary}--\r\n`)).toBe(true)
  },
)

matrix(
  'range abuse (CVE-2011-3192) is answered with one 200',
  () => fileApp(tempFile(large)),
  async (fetch) => {
    const killer = `bytes=0-,${Array.from({ length: 200 }, (_, i) => `5-${i}`).join(',')}`
    const r = await fetch('/', { headers: { range: killer } })
    expect(r.status).toBe(200)
    expect((await r.arrayBuffer()).byteLength).toBe(large.length)
    const overlap = await fetch('/', { headers: { range: 'bytes=0-100,50-150' } })
    expect(overlap.status).toBe(200)
    await overlap.arrayBuffer()
  },
)

matrix(
  'If-Range: a matching validator applies the range, a stale one sends everything',
  () => fileApp(tempFile(small)),
  async (fetch) => {
    const head = await fetch('/', { method: 'HEAD' })
    const etag = head.headers.get('etag')!
    const lm = head.headers.get('last-modified')!
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$/)
    for (const [ifRange, status] of [
      [etag, 206],
      [lm, 206],
      ['"stale"', 200],
      ['Sat, 01 Jan 2000 00:00:00 GMT', 200],
    ] as const) {
      const r = await fetch('/', { headers: { range: 'bytes=0-1', 'if-range': ifRange } })
      expect(r.status, ifRange).toBe(status)
      expect(await r.text()).toBe(status === 206 ? 'ab' : small)
    }
  },
)

matrix(
  'HEAD with Range gets the full headers and no body',
  () => fileApp(tempFile(large)),
  async (fetch) => {
    const r = await fetch('/', { method: 'HEAD', headers: { range: 'bytes=0-1' } })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-length')).toBe(String(large.length))
    expect(await r.text()).toBe('')
  },
)

describe('directoryApp (test_dir)', () => {
  const root = join(dir, 'root')
  mkdirSync(join(root, 'dir'), { recursive: true })
  writeFileSync(join(root, 'file'), 'abcd')
  writeFileSync(join(root, '.env'), 'SECRET=1')
  mkdirSync(join(dir, 'root-secret'), { recursive: true })
  writeFileSync(join(dir, 'root-secret', 'key'), 'sibling secret')
  symlinkSync(join(dir, 'root-secret', 'key'), join(root, 'escape'))
  symlinkSync(join(root, 'file'), join(root, 'inside'))
  matrix(
    'files inside are served; directories, dotfiles, escapes are not',
    () => directoryApp(root),
    async (fetch) => {
      expect(await (await fetch('/file')).text()).toBe('abcd')
      expect(await (await fetch('/inside')).text()).toBe('abcd')
      for (const path of [
        '/',
        '/..',
        '/.',
        '/../..',
        '/~',
        '/foo',
        '/dir',
        '/dir/',
        '/file/',
        '/.env',
        '/escape',
        '/../root-secret/key',
      ]) {
        const r = await fetch(path)
        expect(r.status, path).toBe(404)
        const text = await r.text()
        expect(text).not.toContain('secret')
        expect(text).not.toContain(dir)
      }
    },
  )
  matrix(
    'POST: 405 for a file, 404 for a missing one',
    () => directoryApp(root),
    async (fetch) => {
      const file = await fetch('/file', { method: 'POST', body: 'x' })
      expect(file.status).toBe(405)
      expect(file.headers.get('allow')).toBe('GET, HEAD')
      await file.arrayBuffer()
      const missing = await fetch('/missing', { method: 'POST', body: 'x' })
      expect(missing.status).toBe(404)
      await missing.arrayBuffer()
    },
  )
  matrix(
    'HEAD of a missing or refused name: the status and headers, no body',
    () => directoryApp(root),
    async (fetch) => {
      for (const [path, status] of [
        ['/missing', 404],
        ['/.env', 404],
        ['/escape', 404],
      ] as const) {
        const r = await fetch(path, { method: 'HEAD' })
        expect(r.status, path).toBe(status)
        expect(r.headers.get('content-type'), path).toBe('text/plain; charset=utf-8')
        expect(await r.text(), path).toBe('')
      }
      const missing = fileApp(join(root, 'nothing'))
      const r = await missing(
        new Request('http://localhost/', { method: 'HEAD' }),
        createContext(new Request('http://localhost/')),
      )
      expect(r.status).toBe(404)
      expect(r.body).toBeNull()
    },
  )
  matrix(
    'followSymlinks and dotfiles options',
    () => directoryApp(root, { followSymlinks: true, dotfiles: 'deny' }),
    async (fetch) => {
      expect(await (await fetch('/escape')).text()).toBe('sibling secret')
      expect((await fetch('/.env')).status).toBe(403)
    },
  )
  test('a root that does not exist is a TypeError at creation', () => {
    expect(() => directoryApp(join(dir, 'missing-root'))).toThrow(/@paste\/fileapp: root/)
  })
})
