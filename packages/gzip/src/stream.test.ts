import { execFile } from 'node:child_process'
import { connect } from 'node:net'
import { createGunzip, createGzip } from 'node:zlib'
import { type App, createContext } from '@paste/core'
import { startServer, useServer } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { gzip } from './index.js'
import { compressStream } from './stream.js'

const encoder = new TextEncoder()

/** An SSE app whose next event is released only when `release()` is called. */
function sse() {
  const gates: (() => void)[] = []
  let cancelled = false
  const app: App = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        async start(c) {
          for (let i = 1; i <= 3; i++) {
            c.enqueue(encoder.encode(`data: event ${i}\n\n`))
            await new Promise<void>((r) => gates.push(r))
          }
          c.close()
        },
        cancel() {
          cancelled = true
        },
      }),
      { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } },
    )
  const release = () => gates.shift()?.()
  return { app, release, wasCancelled: () => cancelled }
}

describe('SSE flush', () => {
  test.each([
    'in-process',
    'loopback',
  ] as const)('%s: each event decodes as soon as it is sent', async (transport) => {
    const { app, release } = sse()
    const wrapped = gzip({ threshold: 0, encodings: ['gzip'] })(app)
    const server = transport === 'loopback' ? await startServer(wrapped) : undefined
    try {
      let body: ReadableStream<Uint8Array>
      if (server) {
        // Node's fetch decodes gzip itself, chunk by chunk
        const res = await fetch(server.url, { headers: { 'accept-encoding': 'gzip' } })
        expect(res.headers.get('content-encoding')).toBe('gzip')
        body = res.body!
      } else {
        const request = new Request('http://localhost/', { headers: { 'accept-encoding': 'gzip' } })
        const res = await wrapped(request, createContext(request))
        expect(res.headers.get('content-encoding')).toBe('gzip')
        const gunzip = createGunzip()
        const reader = res.body!.getReader()
        void (async () => {
          for (;;) {
            const { done, value } = await reader.read()
            if (done) return gunzip.end()
            gunzip.write(value)
          }
        })()
        body = new ReadableStream({
          start(c) {
            gunzip.on('data', (d: Buffer) => c.enqueue(new Uint8Array(d)))
            gunzip.on('end', () => c.close())
          },
        })
      }
      const reader = body.getReader()
      let text = ''
      for (let i = 1; i <= 3; i++) {
        // without a flush this waits forever: the next event is only released after this one is read
        while (!text.includes(`event ${i}`))
          text += new TextDecoder().decode((await reader.read()).value)
        release()
      }
      while (!(await reader.read()).done) {}
      expect(text).toBe('data: event 1\n\ndata: event 2\n\ndata: event 3\n\n')
    } finally {
      await server?.close()
    }
  }, 10_000)
})

/** An endless generated body that counts how far it was read. */
function endless() {
  const state = { pulled: 0, cancelled: false }
  const chunk = encoder.encode('<p>hello, compressible world</p>\n'.repeat(500))
  const app: App = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        async pull(c) {
          await new Promise((r) => setImmediate(r))
          state.pulled++
          c.enqueue(chunk)
        },
        cancel() {
          state.cancelled = true
        },
      }),
      { headers: { 'content-type': 'text/html' } },
    )
  return { app, state }
}

test('streams are never buffered whole: the source is read only as fast as output is consumed', async () => {
  const { app, state } = endless()
  const request = new Request('http://localhost/', { headers: { 'accept-encoding': 'gzip' } })
  const res = await gzip()(app)(request, createContext(request))
  const reader = res.body!.getReader()
  await reader.read()
  await new Promise((r) => setTimeout(r, 200))
  // an endless body: anything unbounded would have pulled thousands of chunks by now
  expect(state.pulled).toBeLessThan(50)
  await reader.cancel()
  expect(state.cancelled).toBe(true)
})

describe('a client abort frees the compressor and cancels the source', () => {
  test('through a real server: the socket closes mid-stream', async () => {
    const { app, state } = endless()
    const server = await startServer(gzip()(app))
    try {
      await new Promise<void>((resolve) => {
        const socket = connect(server.port, '127.0.0.1')
        socket.once('data', () => {
          socket.destroy()
          resolve()
        })
        socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n')
      })
      const until = Date.now() + 3000
      while (!state.cancelled && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
      expect(state.cancelled).toBe(true)
    } finally {
      await server.close()
    }
  })
})

function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-s', ...args], { maxBuffer: 1 << 24 }, (e, out) =>
      e ? reject(e) : resolve(out),
    ),
  )
}

describe('a real HTTP client: curl --compressed', () => {
  const page = '<!doctype html><title>x</title>' + '<p>paste for typescript</p>'.repeat(4000)
  const server = useServer(() =>
    gzip()(() => new Response(page, { headers: { 'content-type': 'text/html' } })),
  )
  test('curl decodes what it negotiated', async () => {
    const url = server().url
    expect(await curl(['--compressed', url])).toBe(page)
    const headers = await curl(['--compressed', '-D', '-', '-o', '/dev/null', url])
    expect(headers).toMatch(/content-encoding: (br|gzip|zstd)/i)
    expect(headers).toMatch(/vary: Accept-Encoding/i)
    const gz = await curl([
      '-H',
      'Accept-Encoding: gzip',
      '--compressed',
      '-D',
      '-',
      '-o',
      '/dev/null',
      url,
    ])
    expect(gz).toMatch(/content-encoding: gzip/i)
    expect(await curl(['-H', 'Accept-Encoding: gzip', '--compressed', url])).toBe(page)
    const plain = await curl(['-D', '-', '-o', '/dev/null', url])
    expect(plain).not.toMatch(/content-encoding/i)
  })
})

describe('compressStream destroys its compressor on every early exit', () => {
  /** An endless source, started as gzip() starts one, and a gzip compressor to watch. */
  function started() {
    let cancelled = false
    const source = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(encoder.encode('<p>more</p>'.repeat(500))),
      cancel: () => void (cancelled = true),
    })
    const compressor = createGzip()
    return {
      source: { reader: source.getReader(), taken: [], pending: undefined },
      compressor,
      wasCancelled: () => cancelled,
    }
  }

  test('the consumer cancels the compressed stream (client disconnect)', async () => {
    const { source, compressor, wasCancelled } = started()
    const body = compressStream(source, compressor, undefined, undefined)
    const reader = body.getReader()
    expect((await reader.read()).done).toBe(false)
    await reader.cancel(new Error('client went away'))
    expect(compressor.destroyed).toBe(true)
    expect(wasCancelled()).toBe(true)
  })

  test('the request signal aborts', async () => {
    const { source, compressor, wasCancelled } = started()
    const abort = new AbortController()
    const body = compressStream(source, compressor, undefined, abort.signal)
    const reader = body.getReader()
    expect((await reader.read()).done).toBe(false)
    abort.abort(new Error('aborted'))
    expect(compressor.destroyed).toBe(true)
    expect(wasCancelled()).toBe(true)
    await expect(reader.read()).rejects.toThrow('aborted')
  })
})
