import { request as httpRequest } from 'node:http'
import type { App, Logger } from '@paste/core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { matrix } from '../../../tooling/testing/src/index.js'
import { bodyOf, rawRequest, sleep, statusOf } from '../test/helpers.js'
import { type PasteServer, serve } from './index.js'

function recordingLogger(): Logger & { errors: string[]; details: unknown[] } {
  const errors: string[] = []
  const details: unknown[] = []
  return {
    errors,
    details,
    error: (message, detail) => {
      errors.push(message)
      details.push(detail)
    },
    warn() {},
    info() {},
    debug() {},
  }
}

type Echo = Record<string, string | null>

const echo: App = async (request, context) =>
  Response.json({
    method: request.method,
    url: request.url,
    scriptName: context.scriptName,
    pathInfo: context.pathInfo,
    search: context.search,
    host: context.host,
    remoteAddress: context.remoteAddress,
    accept: request.headers.get('accept'),
  })

matrix(
  'answers a simple App with its status, headers and body',
  () => () => new Response('hello', { status: 201, headers: { 'x-test': 'yes' } }),
  async (fetch) => {
    const response = await fetch('/hi')
    expect(response.status).toBe(201)
    expect(response.headers.get('x-test')).toBe('yes')
    expect(response.headers.get('content-type')).toBe('text/plain;charset=UTF-8')
    expect(await response.text()).toBe('hello')
  },
)

matrix(
  'gives the App the request as the client sent it',
  () => echo,
  async (fetch) => {
    const response = await fetch('/a/b?x=1', { headers: { accept: 'text/html' } })
    const body = (await response.json()) as Echo
    expect(body).toMatchObject({
      method: 'GET',
      pathInfo: '/a/b',
      search: '?x=1',
      accept: 'text/html',
    })
    expect(new URL(String(body.url)).pathname).toBe('/a/b')
  },
)

matrix(
  'reads request bodies (text, json, stream)',
  () => async (request) => {
    const kind = new URL(request.url).pathname
    if (kind === '/json') return Response.json(await request.json())
    if (kind === '/stream') {
      let size = 0
      for await (const chunk of request.body!) size += chunk.byteLength
      return new Response(String(size))
    }
    return new Response((await request.text()).toUpperCase())
  },
  async (fetch) => {
    expect(await (await fetch('/text', { method: 'POST', body: 'abc' })).text()).toBe('ABC')
    const json = await fetch('/json', { method: 'POST', body: '{"a":[1,2]}' })
    expect(await json.json()).toEqual({ a: [1, 2] })
    const big = new Uint8Array(300_000).fill(7)
    expect(await (await fetch('/stream', { method: 'PUT', body: big })).text()).toBe('300000')
  },
)

matrix(
  'streams a Web body to the client',
  () => () => {
    let n = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (n++ === 5) return controller.close()
        controller.enqueue(new TextEncoder().encode(`chunk${n};`))
      },
    })
    return new Response(body, { headers: { 'content-type': 'text/plain' } })
  },
  async (fetch) => {
    expect(await (await fetch('/')).text()).toBe('chunk1;chunk2;chunk3;chunk4;chunk5;')
  },
)

describe('serve() on a real socket', () => {
  const logger = recordingLogger()
  let server: PasteServer
  let port: number
  const signals: AbortSignal[] = []
  let staleAborts = 0
  let lastSignal: AbortSignal | undefined
  let cancelled = false
  const app: App = async (request, context) => {
    const path = context.pathInfo
    if (path === '/throw') throw new Error('secret /etc/passwd detail')
    if (path === '/reject') return Promise.reject(new Error('rejected secret'))
    if (path === '/sync-throw') {
      const fail: App = () => {
        throw new TypeError('sync secret')
      }
      return fail(request, context)
    }
    if (path === '/not-a-response') return 'oops' as unknown as Response
    if (path === '/bad-header')
      return new Response('x', { headers: { 'x-evil': 'a\r\nSet-Cookie: pwned=1' } })
    if (path === '/bad-header-array') return new Response('x', { headers: [['x-a', 'a\nb: c']] })
    if (path === '/bad-header-name') return new Response(null, { headers: { 'bad name': 'v' } })
    if (path === '/late-error') {
      let n = 0
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await sleep(30)
          if (n++ === 2) return controller.error(new Error('stream broke'))
          controller.enqueue(new Uint8Array(1000).fill(65))
        },
      })
      return new Response(body)
    }
    if (path === '/slow') {
      lastSignal = context.signal
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await sleep(20)
          controller.enqueue(new Uint8Array(64 * 1024))
        },
        cancel() {
          cancelled = true
        },
      })
      return new Response(body)
    }
    if (path === '/delay') {
      await sleep(100)
      return new Response(`delayed ${context.search}`)
    }
    if (path === '/listen') {
      // returns at once, leaving a listener on its signal
      const signal = context.signal
      signals.push(signal)
      signal.addEventListener('abort', () => staleAborts++)
      return new Response('listening')
    }
    if (path === '/note-signal') {
      signals.push(context.signal)
      return new Response('noted')
    }
    if (path === '/wait') {
      lastSignal = context.signal
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve))
      return new Response('too late')
    }
    if (path.endsWith('/echo')) return echo(request, context)
    if (path === '/cookies') {
      const headers = new Headers([
        ['set-cookie', 'a=1; Path=/'],
        ['set-cookie', 'b=2; Path=/'],
        ['x-list', 'one'],
      ])
      headers.append('x-list', 'two')
      const response = new Response('c', { headers })
      headers.set('x-late', 'not sent') // the init was copied at construction
      return response
    }
    if (path === '/upload') return new Response(String((await request.arrayBuffer()).byteLength))
    if (path === '/upload-stream') {
      let size = 0
      for await (const chunk of request.body!) size += chunk.byteLength
      return new Response(String(size))
    }
    return new Response('hello!!!')
  }

  beforeAll(async () => {
    server = await serve(app, {
      port: 0,
      logger,
      maxBodyBytes: 100_000,
      maxHeaderSize: 4096,
      headersTimeout: 1000,
      requestTimeout: 2000,
    })
    port = server.port
  })
  afterAll(() => server.close())

  test('reports the bound port and URL', () => {
    expect(port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${port}`)
  })

  test('HEAD gets the headers and Content-Length of GET without a body', async () => {
    const reply = await rawRequest(port, 'HEAD /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
    expect(statusOf(reply)).toBe(200)
    expect(reply).toMatch(/content-length: 8\r\n/i)
    expect(reply.endsWith('\r\n\r\n')).toBe(true)
  })

  test('a Headers init keeps each Set-Cookie on its own line and is copied at construction', async () => {
    const reply = await rawRequest(
      port,
      'GET /cookies HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    )
    expect(reply.match(/^set-cookie: .*$/gim)).toEqual([
      'set-cookie: a=1; Path=/',
      'set-cookie: b=2; Path=/',
    ])
    expect(reply).toMatch(/\r\nx-list: one, two\r\n/)
    expect(reply).not.toMatch(/x-late/)
    expect(bodyOf(reply)).toBe('c')
  })

  test('answers pipelined requests in order, each with its own signal', async () => {
    const reply = await rawRequest(port, [
      'GET /delay?1 HTTP/1.1\r\nHost: a\r\n\r\nGET /delay?2 HTTP/1.1\r\nHost: a\r\n\r\n' +
        'GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    ])
    const bodies = reply.match(/delayed \?\d|hello!!!/g)
    expect(bodies).toEqual(['delayed ?1', 'delayed ?2', 'hello!!!'])
  })

  test('Expect: 100-continue with a body over the limit gets 413 without sending it', async () => {
    const reply = await rawRequest(
      port,
      'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n',
    )
    expect(reply).toMatch(/^HTTP\/1\.1 (100 Continue\r\n\r\nHTTP\/1\.1 )?413 /)
  })

  test('keeps the connection alive across requests', async () => {
    const one = 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\n'
    const reply = await rawRequest(port, [
      one,
      one,
      'GET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    ])
    expect(reply.match(/HTTP\/1\.1 200/g)).toHaveLength(3)
  })

  for (const path of ['/throw', '/reject', '/sync-throw', '/not-a-response']) {
    test(`${path}: a plain 500, logged, no details to the client, server still up`, async () => {
      const before = logger.errors.length
      const response = await fetch(`${server.url}${path}`)
      expect(response.status).toBe(500)
      const text = await response.text()
      expect(text).toBe('Internal Server Error\n')
      expect(logger.errors.length).toBe(before + 1)
      expect((await fetch(server.url)).status).toBe(200)
    })
  }

  test('a CR/LF header value from the App is a 500, never response splitting', async () => {
    for (const path of ['/bad-header', '/bad-header-array', '/bad-header-name']) {
      const reply = await rawRequest(
        port,
        `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
      )
      expect(statusOf(reply), reply).toBe(500)
      expect(reply).not.toMatch(/pwned|\nb: c|bad name/)
      expect(reply).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/)
    }
  })

  test('an error after the headers were sent aborts the connection', async () => {
    const reply = await rawRequest(port, 'GET /late-error HTTP/1.1\r\nHost: a\r\n\r\n')
    expect(statusOf(reply)).toBe(200)
    // a chunked body never terminated by the zero-length chunk
    expect(reply).not.toMatch(/\r\n0\r\n\r\n$/)
    await expect(fetch(`${server.url}/late-error`).then((r) => r.text())).rejects.toThrow()
  })

  test('a client that goes away aborts the signal and cancels the body', async () => {
    cancelled = false
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${server.url}/slow`, (res) => {
        res.once('data', () => {
          req.destroy()
          resolve()
        })
      })
      req.end()
    })
    for (let i = 0; i < 250 && !cancelled; i++) await sleep(20)
    expect(cancelled).toBe(true)
    expect(lastSignal?.aborted).toBe(true)
  })

  test("a signal left with a listener is never handed on: a later request's disconnect does not fire it", async () => {
    signals.length = 0
    staleAborts = 0
    expect(await (await fetch(`${server.url}/listen`)).text()).toBe('listening')
    // more requests (new connections and kept-alive ones), then one whose client leaves
    for (let i = 0; i < 5; i++) await (await fetch(`${server.url}/note-signal`)).text()
    lastSignal = undefined
    // read through a function: TypeScript would narrow the variable to `undefined` here
    const waiting = (): AbortSignal | undefined => lastSignal
    const req = httpRequest(`${server.url}/wait`)
    req.on('error', () => {})
    req.end()
    for (let i = 0; i < 250 && !waiting(); i++) await sleep(20)
    req.destroy()
    for (let i = 0; i < 250 && !waiting()?.aborted; i++) await sleep(20)
    expect(waiting()?.aborted).toBe(true)
    expect(signals.slice(1)).not.toContain(signals[0]) // never reused
    expect(signals[0]?.aborted).toBe(false)
    expect(staleAborts).toBe(0)
  })

  test('a client that goes away while the App waits aborts the signal', async () => {
    lastSignal = undefined
    // read through a function: TypeScript would narrow the variable to `undefined` here
    const signal = (): AbortSignal | undefined => lastSignal
    const req = httpRequest(`${server.url}/wait`)
    req.on('error', () => {})
    req.end()
    for (let i = 0; i < 250 && !signal(); i++) await sleep(20)
    expect(signal()?.aborted).toBe(false)
    req.destroy()
    for (let i = 0; i < 250 && !signal()?.aborted; i++) await sleep(20)
    expect(signal()?.aborted).toBe(true)
    expect((await fetch(server.url)).status).toBe(200)
  })

  test('GET //evil.com/x keeps the server host', async () => {
    const reply = await rawRequest(
      port,
      'GET //evil.com/echo HTTP/1.1\r\nHost: good.test\r\nConnection: close\r\n\r\n',
    )
    const body = JSON.parse(bodyOf(reply))
    expect(new URL(body.url).host).toBe('good.test')
    expect(body.host).toBe('good.test')
  })

  test('absolute-form target: its authority is the host (RFC 9112 section 3.2.2)', async () => {
    const reply = await rawRequest(
      port,
      'GET http://other.test/echo?q=1 HTTP/1.1\r\nHost: good.test\r\nConnection: close\r\n\r\n',
    )
    const body = JSON.parse(bodyOf(reply))
    expect(body).toMatchObject({ host: 'other.test', pathInfo: '/echo', search: '?q=1' })
    expect(body.url).toBe('http://other.test/echo?q=1')
  })

  test('missing, malformed or duplicated Host is a 400', async () => {
    const cases = [
      'GET / HTTP/1.1\r\nConnection: close\r\n\r\n',
      'GET / HTTP/1.0\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: bad host\r\nConnection: close\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a/b\r\nConnection: close\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n',
    ]
    for (const raw of cases) expect(statusOf(await rawRequest(port, raw)), raw).toBe(400)
  })

  test('oversized headers get 431', async () => {
    const raw = `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`
    expect(statusOf(await rawRequest(port, raw))).toBe(431)
  })

  test('a declared body over maxBodyBytes gets 413 before it is read', async () => {
    const reply = await rawRequest(
      port,
      'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 200000\r\n\r\nabc',
    )
    expect(statusOf(reply)).toBe(413)
    expect(reply).toMatch(/connection: close/i)
  })

  test('a chunked body passing maxBodyBytes gets 413 (arrayBuffer and stream)', async () => {
    for (const path of ['/upload', '/upload-stream']) {
      const chunk = 'x'.repeat(50_000)
      const parts = [`POST ${path} HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n`]
      for (let i = 0; i < 4; i++) parts.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)
      const reply = await rawRequest(port, parts)
      expect(statusOf(reply), path).toBe(413)
    }
    const ok = await fetch(`${server.url}/upload`, { method: 'POST', body: 'x'.repeat(99_000) })
    expect(await ok.text()).toBe('99000')
  })

  test('a slow client that never finishes its headers is cut off (headersTimeout)', async () => {
    const started = Date.now()
    const reply = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: a\r\n', { quietMs: 8000 })
    expect(Date.now() - started).toBeLessThan(7000)
    expect([0, 408]).toContain(statusOf(reply))
  })
})
