import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { connect } from 'node:net'
import { type App, type Logger, silentLogger } from '@paste/core'
import { curl, matrix, rawRequest, startServer } from '@paste-tooling/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { proxy, transparentProxy } from './index.js'

/** What the upstream saw of the last request to each path. */
const seen = new Map<
  string,
  {
    method: string
    url: string
    headers: IncomingMessage['headers']
    bodyHash: string
    bodyLength: number
  }
>()
const closed: string[] = []
let upstream: Server
let origin: string

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const path = new URL(req.url!, 'http://x').pathname
      seen.set(path, {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        bodyHash: createHash('sha256').update(body).digest('hex'),
        bodyLength: body.length,
      })
      res.on('close', () => closed.push(path))
      switch (path) {
        case '/v2/hop':
          res.writeHead(200, {
            connection: 'keep-alive, x-internal',
            'x-internal': 'secret',
            'keep-alive': 'timeout=5',
            'x-public': 'ok',
          })
          return res.end('hop')
        case '/v2/cookies':
          res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/'])
          return res.end('cookies')
        case '/v2/redirect':
          res.writeHead(302, { location: `${origin}/v2/next?x=1` })
          return res.end()
        case '/v2/redirect-relative':
          res.writeHead(303, { location: '/v2/other', 'content-location': '/v2/here' })
          return res.end()
        case '/v2/redirect-away':
          res.writeHead(302, { location: 'https://elsewhere.example/v2/x' })
          return res.end()
        case '/v2/missing':
          res.writeHead(404, { 'content-type': 'text/plain' })
          return res.end('upstream 404')
        case '/v2/no-content':
          res.writeHead(204, { 'x-a': '1' })
          return res.end()
        case '/v2/slow-headers':
          setTimeout(() => res.end('late'), 3000)
          return
        case '/v2/stream': {
          res.writeHead(200, { 'content-type': 'text/plain' })
          let n = 0
          const timer = setInterval(() => {
            if (res.destroyed) return clearInterval(timer)
            res.write(`chunk ${n++}\n`)
            if (n === 50) {
              clearInterval(timer)
              res.end()
            }
          }, 20)
          return
        }
        case '/v2/dies': {
          res.writeHead(200, { 'content-length': '100000' })
          res.write(Buffer.alloc(1000, 97))
          setTimeout(() => res.destroy(), 50)
          return
        }
        case '/v2/gzip':
          res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' })
          return res.end(Buffer.from([0x1f, 0x8b, 1, 2, 3])) // opaque bytes: must pass untouched
        default:
          res.writeHead(200, { 'content-type': 'application/json' })
          return res.end(
            JSON.stringify({ method: req.method, url: req.url, host: req.headers.host }),
          )
      }
    })
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`
})
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())))

const to = (options = {}) => proxy(`${origin}/v2`, options)

matrix(
  'the request goes to the target path + pathInfo + query, with the target Host and X-Forwarded-*',
  () => to(),
  async (fetch) => {
    const r = await fetch('/users/7?sort=name&x=%2F', {
      headers: {
        'x-forwarded-for': '6.6.6.6', // what the client claims is dropped
        'x-forwarded-host': 'evil.example',
        forwarded: 'for=6.6.6.6',
        'x-custom': 'kept',
      },
    })
    expect(r.status).toBe(200)
    const got = seen.get('/v2/users/7')!
    expect(got.url).toBe('/v2/users/7?sort=name&x=%2F')
    expect(got.headers.host).toBe(new URL(origin).host)
    expect(got.headers['x-forwarded-for']).toBe('127.0.0.1')
    expect(got.headers['x-forwarded-proto']).toBe('http')
    expect(got.headers['x-forwarded-host']).not.toBe('evil.example')
    expect(got.headers.forwarded).toBeUndefined()
    expect(got.headers['x-custom']).toBe('kept')
  },
)

matrix(
  'a request body is streamed to the upstream intact (1 MiB)',
  () => to(),
  async (fetch) => {
    const body = Buffer.alloc(1024 * 1024)
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) % 251
    const r = await fetch('/upload', { method: 'POST', body })
    expect(r.status).toBe(200)
    const got = seen.get('/v2/upload')!
    expect(got.method).toBe('POST')
    expect(got.bodyLength).toBe(body.length)
    expect(got.bodyHash).toBe(createHash('sha256').update(body).digest('hex'))
  },
)

matrix(
  'hop-by-hop headers are dropped both ways, including those Connection lists',
  () => to(),
  async (fetch) => {
    const r = await fetch('/hop', {
      headers: {
        connection: 'x-private',
        'x-private': 'only for the next hop',
        'proxy-authorization': 'Basic Zm9vOmJhcg==',
        te: 'trailers',
      },
    })
    const got = seen.get('/v2/hop')!
    expect(got.headers['x-private']).toBeUndefined()
    expect(got.headers['proxy-authorization']).toBeUndefined()
    expect(got.headers.te).toBeUndefined()
    expect(r.headers.get('x-internal')).toBeNull()
    expect(r.headers.get('keep-alive')).toBeNull()
    expect(r.headers.get('x-public')).toBe('ok')
    expect(await r.text()).toBe('hop')
  },
  { only: 'in-process' }, // fetch will not send Connection or TE: see the raw request below
)

test('hop-by-hop headers from a raw client through a real server are dropped too', async () => {
  const server = await startServer(to(), { logger: silentLogger })
  try {
    const r = await rawRequest(server.port, '/hop', {
      Connection: 'x-private',
      'X-Private': 'only for the next hop',
      'Proxy-Authorization': 'Basic Zm9vOmJhcg==',
      TE: 'trailers',
    })
    expect(r.status).toBe(200)
    const got = seen.get('/v2/hop')!
    expect(got.headers['x-private']).toBeUndefined()
    expect(got.headers['proxy-authorization']).toBeUndefined()
    expect(got.headers.te).toBeUndefined()
    expect(r.headers.get('x-internal')).toBeUndefined()
    expect(r.headers.get('x-public')).toBe('ok')
  } finally {
    await server.close()
  }
})

matrix(
  'several Set-Cookie headers come back as several',
  () => to(),
  async (fetch) => {
    const r = await fetch('/cookies')
    expect(r.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
  },
)

matrix(
  'Locations into the target are rewritten to the mount point; others are left alone',
  () => to(),
  async (fetch) => {
    const abs = await fetch('/redirect', { redirect: 'manual' })
    expect(abs.status).toBe(302)
    expect(
      new URL(abs.headers.get('location')!).pathname + new URL(abs.headers.get('location')!).search,
    ).toBe('/next?x=1')
    expect(abs.headers.get('location')).not.toContain(origin)
    const rel = await fetch('/redirect-relative', { redirect: 'manual' })
    expect(new URL(rel.headers.get('location')!).pathname).toBe('/other')
    expect(new URL(rel.headers.get('content-location')!).pathname).toBe('/here')
    const away = await fetch('/redirect-away', { redirect: 'manual' })
    expect(away.headers.get('location')).toBe('https://elsewhere.example/v2/x')
  },
)

matrix(
  'statuses pass through: 404 with its body, 204 with no body, HEAD with no body',
  () => to(),
  async (fetch) => {
    const missing = await fetch('/missing')
    expect(missing.status).toBe(404)
    expect(await missing.text()).toBe('upstream 404')
    const none = await fetch('/no-content')
    expect(none.status).toBe(204)
    expect(none.headers.get('x-a')).toBe('1')
    const head = await fetch('/anything', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect(seen.get('/v2/anything')!.method).toBe('HEAD')
  },
)

matrix(
  'an encoded body passes byte for byte, with its Content-Encoding',
  () => to(),
  async (fetch) => {
    const r = await fetch('/gzip', { headers: { 'accept-encoding': 'identity' } })
    expect(r.headers.get('content-encoding')).toBe('gzip')
  },
  { only: 'in-process' }, // a real client would try to gunzip the opaque bytes
)

matrix(
  'allowedMethods: others get 405 with Allow, and never reach the upstream',
  () => to({ allowedMethods: ['GET', 'HEAD'] }),
  async (fetch) => {
    seen.delete('/v2/forbidden-post')
    const r = await fetch('/forbidden-post', { method: 'POST', body: 'x' })
    expect(r.status).toBe(405)
    expect(r.headers.get('allow')).toBe('GET, HEAD')
    expect(seen.has('/v2/forbidden-post')).toBe(false)
  },
)

matrix(
  'suppressHeaders, preserveHost and via',
  () => to({ suppressHeaders: ['X-Secret'], preserveHost: true, via: 'paste' }),
  async (fetch) => {
    const r = await fetch('/opts', { headers: { 'x-secret': 's', 'x-other': 'o' } })
    const got = seen.get('/v2/opts')!
    expect(got.headers['x-secret']).toBeUndefined()
    expect(got.headers['x-other']).toBe('o')
    expect(got.headers.host).not.toBe(new URL(origin).host) // the client's Host
    expect(got.headers.via).toBe('1.1 paste')
    expect(r.headers.get('via')).toBe('1.1 paste')
    const loop = await fetch('/opts', { headers: { via: '1.1 paste' } })
    expect(loop.status).toBe(508)
  },
)

describe('failures', () => {
  const logged = () => {
    const errors: string[] = []
    const logger: Logger = { ...silentLogger, error: (m: string) => void errors.push(m) }
    return { errors, logger }
  }

  test('an upstream that is down is a 502, logged', async () => {
    const dead = createServer()
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve))
    const port = (dead.address() as { port: number }).port
    await new Promise<void>((resolve) => dead.close(() => resolve()))
    const { errors, logger } = logged()
    const server = await startServer(proxy(`http://127.0.0.1:${port}`), { logger })
    try {
      const r = await server.fetch('/x')
      expect(r.status).toBe(502)
      expect(await r.text()).toBe('Bad Gateway\n')
      expect(errors).toEqual(['@paste/proxy: the upstream failed'])
    } finally {
      await server.close()
    }
  })

  test('an upstream slower than timeout is a 504, logged', async () => {
    const { errors, logger } = logged()
    const server = await startServer(to({ timeout: 200 }), { logger })
    try {
      const started = Date.now()
      const r = await server.fetch('/slow-headers')
      expect(r.status).toBe(504)
      expect(Date.now() - started).toBeLessThan(2500)
      expect(errors).toEqual(['@paste/proxy: the upstream did not answer in time'])
    } finally {
      await server.close()
    }
  })

  test('an upstream dying mid-body never gives the client a complete short body', async () => {
    const server = await startServer(to(), { logger: silentLogger })
    try {
      const { stdout, code } = await curl([`${server.url}/dies`])
      expect(code).not.toBe(0) // curl: transfer closed with outstanding data
      expect(stdout.length).toBeLessThan(100_000)
    } finally {
      await server.close()
    }
  })

  test('a client leaving mid-stream closes the upstream request', async () => {
    const server = await startServer(to(), { logger: silentLogger })
    try {
      closed.length = 0
      await new Promise<void>((resolve) => {
        const socket = connect(server.port, '127.0.0.1', () =>
          socket.write('GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
        )
        socket.once('data', () => {
          socket.destroy()
          resolve()
        })
      })
      for (let i = 0; i < 100 && !closed.includes('/v2/stream'); i++)
        await new Promise((resolve) => setTimeout(resolve, 20))
      expect(closed).toContain('/v2/stream')
      expect(seen.get('/v2/stream')).toBeDefined()
    } finally {
      await server.close()
    }
  })
})

describe('through a real server with curl', () => {
  test('a streamed response arrives whole, and the Host the client sent is not trusted', async () => {
    const server = await startServer(to(), { logger: silentLogger })
    try {
      const { stdout, code } = await curl(['-H', 'Host: evil.example', `${server.url}/stream`])
      expect(code).toBe(0)
      const lines = stdout.toString().trim().split('\n')
      expect(lines).toHaveLength(50)
      expect(lines[49]).toBe('chunk 49')
      expect(seen.get('/v2/stream')!.headers.host).toBe(new URL(origin).host)
    } finally {
      await server.close()
    }
  })
})

describe('transparentProxy', () => {
  test('forwards to the request Host when allowed, refuses other hosts, keeps the Host', async () => {
    const host = new URL(origin).host
    const app: App = transparentProxy({ allowHosts: [host] })
    const server = await startServer(app, { logger: silentLogger })
    try {
      const ok = await curl(['-H', `Host: ${host}`, `${server.url}/v2/plain?q=1`])
      expect(JSON.parse(ok.stdout.toString())).toEqual({
        method: 'GET',
        url: '/v2/plain?q=1',
        host,
      })
      const denied = await curl([
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '-H',
        'Host: 169.254.169.254',
        `${server.url}/latest/meta-data`,
      ])
      expect(denied.stdout.toString()).toBe('403')
    } finally {
      await server.close()
    }
  })

  test('forceHost sends every request to one server, keeping each Host', async () => {
    const server = await startServer(transparentProxy({ forceHost: new URL(origin).host }), {
      logger: silentLogger,
    })
    try {
      const r = await curl(['-H', 'Host: site-a.example', `${server.url}/v2/x`])
      expect(JSON.parse(r.stdout.toString()).host).toBe('site-a.example')
    } finally {
      await server.close()
    }
  })
})

test('options are checked', () => {
  expect(() => proxy('not a url')).toThrow(/absolute http/)
  expect(() => proxy('ftp://x/')).toThrow(/http: or https:/)
  expect(() => proxy('http://u:p@x/')).toThrow(/credentials/)
  expect(() => proxy('http://x/?a=1')).toThrow(/query/)
  expect(() => proxy('http://x/', { timeout: 0 })).toThrow(/timeout/)
  expect(() => proxy('http://x/', { via: 'a b' })).toThrow(/via/)
  expect(() => proxy('http://x/', { allowedMethods: ['GET\r\n'] })).toThrow(/method/)
  expect(() => transparentProxy()).toThrow(/open proxy/)
  expect(() => transparentProxy({ forceHost: 'x/y' })).toThrow(/forceHost/)
})
