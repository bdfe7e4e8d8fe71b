import { renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { curl, inProcessFetch, matrix, startServer } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import {
  lieAboutSize,
  patch,
  recordingLogger,
  tarBytes,
  writeTemp,
  zipBytes,
} from '../test/fixtures.js'
import { archiveApp } from './index.js'

// names yazl refuses to write are written as placeholders of the same length, then patched
let hostile = await zipBytes([
  { name: 'safe.txt', data: 'safe' },
  { name: 'XX/x.txt', data: 'escaped' },
  { name: 'Xetc/passwd', data: 'root:x:0:0' },
  { name: 'aQ..Qb.txt', data: 'backslash' },
  { name: 'CQ/win.ini', data: 'drive' },
  { name: 'nulQ.txt', data: 'nul' },
])
hostile = patch(hostile, 'XX/x.txt', '../x.txt')
hostile = patch(hostile, 'Xetc/passwd', '/etc/passwd')
hostile = patch(hostile, 'aQ..Qb.txt', 'a\\..\\b.txt')
hostile = patch(hostile, 'CQ/win.ini', 'C:/win.ini')
hostile = patch(hostile, 'nulQ.txt', 'nul\u0000.txt')
const hostilePath = writeTemp('hostile.zip', hostile)

describe('hostile member names in a zip', () => {
  matrix(
    'are never served, under any request path',
    () => archiveApp(hostilePath, { logger: recordingLogger() }),
    async (fetch) => {
      expect(await (await fetch('/safe.txt')).text()).toBe('safe')
      for (const path of [
        '/x.txt',
        '/../x.txt',
        '/etc/passwd',
        '/%2Fetc/passwd',
        '/b.txt',
        '/a%5C..%5Cb.txt',
        '/win.ini',
        '/C:/win.ini',
        '/nul%00.txt',
        '/nul.txt',
        '/..%2Fx.txt',
        '/%2e%2e/x.txt',
      ]) {
        const response = await fetch(path)
        expect([400, 404], path).toContain(response.status)
        const body = await response.text()
        for (const secret of ['escaped', 'root:x', 'backslash', 'drive', 'nul'])
          expect(body, path).not.toContain(secret)
      }
    },
  )

  test('are counted in one warning; the safe members stay servable', async () => {
    const logger = recordingLogger()
    const fetch = inProcessFetch(archiveApp(hostilePath, { logger }))
    expect((await fetch('/safe.txt')).status).toBe(200)
    expect((await fetch('/safe.txt')).status).toBe(200)
    expect(logger.warnings.map((w) => w.details?.skipped)).toEqual([5])
    expect(logger.errors).toEqual([])
  })
})

test('hostile request paths get a precise 400 or 404', async () => {
  const fetch = inProcessFetch(archiveApp(hostilePath, { logger: recordingLogger() }))
  const cases: [string, number][] = [
    ['/..%2Fx.txt', 400],
    ['/a%5Cb', 400],
    ['/%00', 400],
    ['/%E0%A4%A', 400],
    [`/${'a'.repeat(300)}`, 404],
    [`/${'a/'.repeat(3000)}`, 404],
  ]
  for (const [path, status] of cases) {
    const response = await fetch(path)
    expect(response.status, path).toBe(status)
    expect(await response.text()).not.toContain('a'.repeat(20))
  }
})

test('a raw /../ request over a real socket cannot reach a ../ member (curl --path-as-is)', async () => {
  const server = await startServer(archiveApp(hostilePath, { logger: recordingLogger() }))
  try {
    for (const path of ['/../x.txt', '/%2e%2e/x.txt', '/..%2fx.txt', '/safe.txt/../../x.txt']) {
      const { stdout } = await curl([
        '--path-as-is',
        '-w',
        '%{http_code}',
        `${server.url.replace(/\/$/, '')}${path}`,
      ])
      const out = stdout.toString()
      const code = out.slice(-3)
      const body = out.slice(0, -3)
      expect(['400', '404'], path).toContain(code)
      expect(body).not.toContain('escaped')
    }
    const { stdout } = await curl([
      '-w',
      '%{http_code}',
      '-r',
      '1-2',
      `${server.url.replace(/\/$/, '')}/safe.txt`,
    ])
    expect(stdout.toString()).toBe('af206')
  } finally {
    await server.close()
  }
})

describe('decompression bombs', () => {
  test('a member declared larger than maxMemberBytes is a 413, never inflated', async () => {
    const logger = recordingLogger()
    const path = writeTemp(
      'big.zip',
      await zipBytes([{ name: 'zeros.bin', data: new Uint8Array(8 << 20) }]),
    )
    const fetch = inProcessFetch(archiveApp(path, { logger }))
    const response = await fetch('/zeros.bin')
    expect(response.status).toBe(413)
    expect(await response.text()).toBe('Content Too Large\n')
    const head = await fetch('/zeros.bin', { method: 'HEAD' })
    expect(head.status).toBe(413)
    expect(await head.text()).toBe('')
    expect(logger.errors).toEqual([])
    // bigger bounds serve it (zeros deflate about 1030:1, past the default ratio)
    const fits = inProcessFetch(
      archiveApp(path, { logger, maxMemberBytes: 9 << 20, maxCompressionRatio: 2000 }),
    )
    const served = await fits('/zeros.bin', { headers: { range: 'bytes=-4' } })
    expect(served.status).toBe(206)
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(new Uint8Array(4))
  })

  test('a compression ratio over maxCompressionRatio is refused (500), logged once', async () => {
    const logger = recordingLogger()
    const path = writeTemp(
      'ratio.zip',
      await zipBytes([{ name: 'zeros.bin', data: new Uint8Array(1 << 20) }]),
    )
    const fetch = inProcessFetch(archiveApp(path, { logger, maxCompressionRatio: 100 }))
    for (let i = 0; i < 3; i++) {
      const response = await fetch('/zeros.bin')
      expect(response.status).toBe(500)
      expect(await response.text()).toBe('Internal Server Error\n')
    }
    expect(logger.errors).toHaveLength(1)
    expect(String(logger.errors[0]?.details?.error)).toMatch(/compression ratio/)
  })

  test('a member that inflates past its declared size is refused (500), logged once', async () => {
    const logger = recordingLogger()
    const real = await zipBytes([{ name: 'liar.txt', data: 'a'.repeat(64 << 10) }])
    const path = writeTemp('liar.zip', lieAboutSize(real, 100))
    const fetch = inProcessFetch(archiveApp(path, { logger }))
    for (let i = 0; i < 2; i++) {
      const response = await fetch('/liar.txt')
      expect(response.status).toBe(500)
      const body = await response.text()
      expect(body).not.toContain('aaaa')
      expect(body).not.toContain(path)
    }
    expect(logger.errors).toHaveLength(1)
    expect(logger.errors[0]?.details?.member).toBe('liar.txt')
  })

  test('a gzipped tar inflating past maxCompressionRatio cannot be indexed', async () => {
    const logger = recordingLogger()
    const path = writeTemp(
      'bomb.tgz',
      tarBytes([{ path: 'zeros', data: new Uint8Array(4 << 20) }], true),
    )
    const fetch = inProcessFetch(archiveApp(path, { logger, maxCompressionRatio: 50 }))
    expect((await fetch('/zeros')).status).toBe(500)
    expect((await fetch('/other')).status).toBe(500)
    expect(logger.errors).toHaveLength(1)
    expect(String(logger.errors[0]?.details?.error)).toMatch(/decompression ratio/)
  })

  test('too many members: the archive is refused', async () => {
    const logger = recordingLogger()
    const path = writeTemp('many.tar', tarBytes([{ path: 'a' }, { path: 'b' }, { path: 'c' }]))
    const fetch = inProcessFetch(archiveApp(path, { logger, maxEntries: 2 }))
    expect((await fetch('/a')).status).toBe(500)
    expect(String(logger.errors[0]?.details?.error)).toMatch(/more than 2 members/)
  })
})

describe('corrupt and truncated archives', () => {
  const cases: [string, () => Promise<Uint8Array>][] = [
    [
      'truncated.zip',
      async () =>
        (await zipBytes([{ name: 'a.txt', data: 'x'.repeat(5000), compress: false }])).subarray(
          0,
          2000,
        ),
    ],
    ['garbage.zip', async () => new TextEncoder().encode('this is not a zip file at all')],
    [
      'truncated.tar',
      async () => tarBytes([{ path: 'a.txt', data: 'x'.repeat(5000) }]).subarray(0, 2000),
    ],
    [
      'truncated.tgz',
      async () => tarBytes([{ path: 'a.txt', data: 'x'.repeat(5000) }], true).subarray(0, 40),
    ],
    ['garbage.tar', async () => new Uint8Array(700).fill(7)],
  ]
  for (const [name, make] of cases) {
    test(`${name}: a generic 500, logged once, never a crash`, async () => {
      const logger = recordingLogger()
      const path = writeTemp(name, await make())
      const server = await startServer(archiveApp(path, { logger }))
      try {
        for (const p of ['/a.txt', '/a.txt', '/other']) {
          const response = await server.fetch(p)
          expect(response.status).toBe(500)
          const body = await response.text()
          expect(body).toBe('Internal Server Error\n')
        }
      } finally {
        await server.close()
      }
      expect(logger.errors).toHaveLength(1)
      expect(logger.errors[0]?.message).toBe('@paste/fileapp-archive: cannot index archive')
    })
  }
})

describe('a replaced archive is indexed again', () => {
  const replace = (path: string, bytes: Uint8Array) => {
    const next = join(dirname(path), 'next.tmp')
    writeFileSync(next, bytes)
    renameSync(next, path)
  }

  test('after metadataTtlMs, with new content and a new ETag', async () => {
    const logger = recordingLogger()
    const path = writeTemp('v.zip', await zipBytes([{ name: 'a.txt', data: 'version one' }]))
    const fetch = inProcessFetch(archiveApp(path, { logger, metadataTtlMs: 0 }))
    const one = await fetch('/a.txt')
    const etag = one.headers.get('etag') ?? ''
    expect(await one.text()).toBe('version one')
    replace(
      path,
      await zipBytes([
        { name: 'a.txt', data: 'version two!' },
        { name: 'b.txt', data: 'new' },
      ]),
    )
    const two = await fetch('/a.txt', { headers: { 'if-none-match': etag } })
    expect(two.status).toBe(200)
    expect(two.headers.get('etag')).not.toBe(etag)
    expect(await two.text()).toBe('version two!')
    expect(await (await fetch('/b.txt')).text()).toBe('new')
    // replaced by a broken file: 500; then by a good one again: served
    replace(path, new Uint8Array(100))
    expect((await fetch('/a.txt')).status).toBe(500)
    replace(path, await zipBytes([{ name: 'a.txt', data: 'version three' }]))
    expect(await (await fetch('/a.txt')).text()).toBe('version three')
    expect(logger.errors).toHaveLength(1)
  })

  test('within the TTL when the client asks for a fresh copy (Cache-Control: no-cache)', async () => {
    const path = writeTemp('v.tgz', tarBytes([{ path: 'a.txt', data: 'old' }], true))
    const fetch = inProcessFetch(archiveApp(path, { metadataTtlMs: 60_000 }))
    expect(await (await fetch('/a.txt')).text()).toBe('old')
    replace(path, tarBytes([{ path: 'a.txt', data: 'newer' }], true))
    expect(await (await fetch('/a.txt')).text()).toBe('old')
    const fresh = await fetch('/a.txt', { headers: { 'cache-control': 'no-cache' } })
    expect(await fresh.text()).toBe('newer')
  })

  test('a deleted archive is a logged 500, and served again when it comes back', async () => {
    const logger = recordingLogger()
    const bytes = tarBytes([{ path: 'a.txt', data: 'here' }])
    const path = writeTemp('gone.tar', bytes)
    const fetch = inProcessFetch(archiveApp(path, { logger, metadataTtlMs: 0 }))
    expect((await fetch('/a.txt')).status).toBe(200)
    renameSync(path, `${path}.away`)
    expect((await fetch('/a.txt')).status).toBe(500)
    expect((await fetch('/a.txt')).status).toBe(500)
    replace(path, bytes)
    expect(await (await fetch('/a.txt')).text()).toBe('here')
    expect(logger.errors.map((e) => e.message)).toEqual([
      '@paste/fileapp-archive: archive unavailable',
    ])
  })
})
