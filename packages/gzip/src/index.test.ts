import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { type App, createContext } from '@paste/core'
import { matrix, type Transport } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { gzip, SUPPORTED } from './index.js'

const TEXT = 'this is a test '.repeat(200)
const html =
  (
    body: ConstructorParameters<typeof Response>[0] = TEXT,
    headers: Record<string, string> = {},
    status = 200,
  ): App =>
  () =>
    new Response(body, {
      status,
      headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
    })

/** The decoded body: Node's fetch already decodes gzip/br on the loopback run. */
async function decoded(res: Response, transport: Transport): Promise<string> {
  const bytes = new Uint8Array(await res.arrayBuffer())
  if (transport === 'loopback') return new TextDecoder().decode(bytes)
  const ce = res.headers.get('content-encoding')
  if (ce === 'gzip') return gunzipSync(bytes).toString()
  if (ce === 'br') return brotliDecompressSync(bytes).toString()
  return new TextDecoder().decode(bytes)
}

const call = async (app: App, init: RequestInit = {}, url = 'http://localhost/') => {
  const request = new Request(url, init)
  return app(request, createContext(request))
}

matrix(
  'gzips a body the client accepts (test_gzip)',
  () => gzip({ encodings: ['gzip'] })(html()),
  async (fetch, transport) => {
    const res = await fetch('/', { headers: { 'accept-encoding': 'gzip' } })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(res.headers.get('vary')).toBe('Accept-Encoding')
    expect(await decoded(res, transport)).toBe(TEXT)
  },
)

test('a body known in full gets one compression call and an exact Content-Length (test_gzip)', async () => {
  const res = await call(
    gzip({ threshold: 0 })(html('this is a test', { 'content-length': '14' })),
    { headers: { 'accept-encoding': 'gzip' } },
  )
  const body = new Uint8Array(await res.arrayBuffer())
  expect(Number(res.headers.get('content-length'))).toBe(body.length)
  expect(gunzipSync(body).toString()).toBe('this is a test')
})

const headAware: App = (request) =>
  new Response(request.method === 'HEAD' ? null : TEXT, {
    headers: { 'content-type': 'text/plain' },
  })

matrix(
  'HEAD passes through untouched but for Vary (test_gzip_head)',
  () => gzip()(headAware),
  async (fetch) => {
    const res = await fetch('/', { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } })
    expect(res.headers.get('content-encoding')).toBeNull()
    expect(res.headers.get('vary')).toBe('Accept-Encoding')
    expect(await res.text()).toBe('')
  },
)

describe('negotiation with q-values (RFC 9110 section 12.5.3)', () => {
  const app = gzip({ encodings: ['br', 'gzip'] })(html())
  const cases: [string | null, string | null][] = [
    ['gzip', 'gzip'],
    ['gzip;q=0', null],
    ['gzip;q=0, identity', null],
    ['br;q=0.5, gzip', 'gzip'],
    ['gzip, br', 'br'],
    ['*', 'br'],
    ['*;q=0, gzip;q=0.1', 'gzip'],
    ['x-gzip', 'gzip'],
    ['identity', null],
    ['deflate', null],
    [null, null],
    ['GZIP;Q=1', 'gzip'],
    [`${'x,'.repeat(500)}gzip`, 'gzip'],
    [';;;,,,=', null],
  ]
  for (const [accept, expected] of cases) {
    test(`${String(accept).slice(0, 40)} -> ${expected ?? 'identity'}`, async () => {
      const res = await call(app, accept === null ? {} : { headers: { 'accept-encoding': accept } })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-encoding')).toBe(expected)
      expect(res.headers.get('vary')).toBe('Accept-Encoding')
      await res.arrayBuffer()
    })
  }
})

test('an oversized Accept-Encoding is no crash', async () => {
  const res = await call(gzip()(html()), {
    headers: { 'accept-encoding': `${'x;q=0.5,'.repeat(20000)}gzip` },
  })
  expect(res.status).toBe(200)
  expect([null, 'gzip']).toContain(res.headers.get('content-encoding'))
  await res.arrayBuffer()
})

test('a 304 for a weakened tag carries the weak tag the client holds', async () => {
  const app = gzip()(() => new Response(null, { status: 304, headers: { etag: '"v1"' } }))
  const weak = await call(app, {
    headers: { 'if-none-match': 'W/"v1"', 'accept-encoding': 'gzip' },
  })
  expect(weak.headers.get('etag')).toBe('W/"v1"')
  expect(weak.headers.get('vary')).toBe('Accept-Encoding')
  const strong = await call(app, { headers: { 'if-none-match': '"v1"' } })
  expect(strong.headers.get('etag')).toBe('"v1"')
})

describe('responses left alone (still with Vary)', () => {
  const skip: [string, App][] = [
    ['204', () => new Response(null, { status: 204 })],
    ['304', () => new Response(null, { status: 304, headers: { etag: '"x"' } })],
    ['206', html(TEXT, { 'content-range': `bytes 0-9/100` }, 206)],
    ['already encoded', html(TEXT, { 'content-encoding': 'br' })],
    ['Cache-Control: no-transform', html(TEXT, { 'cache-control': 'public, no-transform' })],
    ['under the threshold (Content-Length)', html('tiny', { 'content-length': '4' })],
    ['under the threshold (known body)', html('tiny')],
    ['incompressible type', () => new Response(TEXT, { headers: { 'content-type': 'image/png' } })],
    ['no Content-Type', () => new Response(new TextEncoder().encode(TEXT))],
  ]
  for (const [name, app] of skip) {
    test(name, async () => {
      const res = await call(gzip()(app), { headers: { 'accept-encoding': 'gzip, br' } })
      const ce = res.headers.get('content-encoding')
      expect(ce === null || ce === 'br').toBe(true)
      if (name !== 'already encoded') expect(ce).toBeNull()
      expect(res.headers.get('vary')).toBe('Accept-Encoding')
      await res.arrayBuffer()
    })
  }
  test('a configurable filter', async () => {
    const mw = gzip({ filter: (type) => type === 'image/png' })
    const png = await call(
      mw(() => new Response(TEXT, { headers: { 'content-type': 'image/png' } })),
      { headers: { 'accept-encoding': 'gzip' } },
    )
    expect(png.headers.get('content-encoding')).toBe(SUPPORTED.includes('br') ? 'gzip' : 'gzip')
    const htmlRes = await call(mw(html()), { headers: { 'accept-encoding': 'gzip' } })
    expect(htmlRes.headers.get('content-encoding')).toBeNull()
  })
  test('an existing Vary is extended once; Vary: * is kept', async () => {
    const a = await call(gzip()(html(TEXT, { vary: 'Cookie' })), {
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(a.headers.get('vary')).toBe('Cookie, Accept-Encoding')
    const b = await call(gzip()(html(TEXT, { vary: 'accept-encoding' })), {
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(b.headers.get('vary')).toBe('accept-encoding')
    const c = await call(gzip()(html(TEXT, { vary: '*' })), {})
    expect(c.headers.get('vary')).toBe('*')
  })
  test('immutable headers (a fetch() response) are copied, not mutated', async () => {
    const upstream = Response.redirect('http://localhost/x', 302)
    const res = await call(
      gzip()(() => upstream),
      {},
    )
    expect(res.headers.get('vary')).toBe('Accept-Encoding')
    expect(res.headers.get('location')).toBe('http://localhost/x')
  })
})

test('drops Content-Length of a stream, weakens a strong ETag', async () => {
  let sent = 0
  const stream = () =>
    new ReadableStream<Uint8Array>({
      async pull(c) {
        await new Promise((r) => setTimeout(r, 5))
        if (sent++ === 2) c.close()
        else
          c.enqueue(new TextEncoder().encode(TEXT.slice(0, 1500 * sent).slice(1500 * (sent - 1))))
      },
    })
  const res = await call(
    gzip()(html(stream(), { 'content-length': String(TEXT.length), etag: '"v1"' })),
    { headers: { 'accept-encoding': 'gzip' } },
  )
  expect(res.headers.get('content-length')).toBeNull()
  expect(res.headers.get('etag')).toBe('W/"v1"')
  expect(gunzipSync(new Uint8Array(await res.arrayBuffer())).toString()).toBe(TEXT.slice(0, 3000))
})

test.skipIf(!SUPPORTED.includes('zstd'))(
  'zstd where node:zlib has it (skipped on Node versions without zlib zstd, e.g. 20)',
  async () => {
    const zlib = (await import('node:zlib')) as unknown as {
      zstdDecompressSync: (b: Uint8Array) => Buffer
    }
    const res = await call(gzip()(html()), { headers: { 'accept-encoding': 'zstd, br, gzip' } })
    expect(res.headers.get('content-encoding')).toBe('zstd')
    expect(zlib.zstdDecompressSync(new Uint8Array(await res.arrayBuffer())).toString()).toBe(TEXT)
  },
)

test('on this runtime, zstd is offered exactly when node:zlib can make it', async () => {
  const zlib = await import('node:zlib')
  expect(SUPPORTED.includes('zstd')).toBe(
    typeof (zlib as Record<string, unknown>).createZstdCompress === 'function',
  )
  const res = await call(gzip({ encodings: ['zstd', 'gzip'] })(html()), {
    headers: { 'accept-encoding': 'zstd, gzip;q=0.5' },
  })
  expect(res.headers.get('content-encoding')).toBe(SUPPORTED.includes('zstd') ? 'zstd' : 'gzip')
  await res.arrayBuffer()
})

test('a FastResponse string body is compressed without materialising a Web stream', async () => {
  const { FastResponse } = await import('@paste/httpserver')
  let touched = false
  const response = new FastResponse(TEXT, { headers: { 'content-type': 'text/html' } })
  const native = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(response), 'body')!
  Object.defineProperty(response, 'body', {
    get() {
      touched = true
      return native.get!.call(response)
    },
  })
  const res = await call(
    gzip()(() => response),
    { headers: { 'accept-encoding': 'gzip' } },
  )
  expect(res.headers.get('content-encoding')).toBe('gzip')
  expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0)
  expect(gunzipSync(new Uint8Array(await res.arrayBuffer())).toString()).toBe(TEXT)
  expect(touched).toBe(false)
})

test('an empty body is never encoded, even with threshold 0', async () => {
  const res = await call(gzip({ threshold: 0 })(html('')), {
    headers: { 'accept-encoding': 'gzip' },
  })
  expect(res.headers.get('content-encoding')).toBeNull()
  expect(res.headers.get('vary')).toBe('Accept-Encoding')
  expect((await res.arrayBuffer()).byteLength).toBe(0)
})

test('bad configuration throws a TypeError naming the option', () => {
  expect(() => gzip({ level: 10 })).toThrow('@paste/gzip: level must be an integer 0-9')
  expect(() => gzip({ brotliQuality: -1 })).toThrow(/brotliQuality/)
  expect(() => gzip({ threshold: 1.5 })).toThrow(/threshold/)
  expect(() => gzip({ encodings: ['deflate' as 'gzip'] })).toThrow(/encodings/)
})
