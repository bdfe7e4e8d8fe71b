import { type App, type Logger, type Middleware, pipe, silentLogger } from '@paste/core'
import { NotFound } from '@paste/httpexceptions'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test, vi } from 'vitest'
import { COMBINED } from '../test/combined.js'
import { type AccessLogEntry, accessLogKey, recordUser, transLogger } from './index.js'

function capture() {
  const lines: string[] = []
  const entries: AccessLogEntry[] = []
  const sink = (line: string, entry: AccessLogEntry) => {
    lines.push(line)
    entries.push(entry)
  }
  return { lines, entries, sink }
}

const chunks = (count: number, size: number, delayMs = 0): App =>
  function chunked() {
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === count) return controller.close()
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs))
        sent++
        controller.enqueue(new Uint8Array(size).fill(97))
      },
    })
    return new Response(body, { headers: { 'content-type': 'text/plain' } })
  }

describe('one combined line per request, after the body', () => {
  const log = capture()
  matrix(
    'streamed body: bytes actually sent, status, referer and user agent',
    () => pipe(chunks(5, 1000), transLogger({ sink: log.sink })),
    async (fetch, transport) => {
      log.lines.length = 0
      const response = await fetch('/a/b?q=1', {
        headers: { referer: 'http://example.com/from', 'user-agent': 'test-agent/1.0' },
      })
      // in process nothing has read the body yet, so nothing is logged yet
      if (transport === 'in-process') expect(log.lines).toHaveLength(0)
      expect((await response.arrayBuffer()).byteLength).toBe(5000)
      await vi.waitFor(() => expect(log.lines).toHaveLength(1))
      const m = COMBINED.exec(log.lines[0]!)
      expect(m).not.toBeNull()
      expect(m![1]).toBe('127.0.0.1')
      expect(m![2]).toBe('-')
      expect(m![4]).toBe('GET /a/b?q=1 HTTP/1.1')
      expect(m![5]).toBe('200')
      expect(m![6]).toBe('5000')
      expect(m![7]).toBe('http://example.com/from')
      expect(m![8]).toBe('test-agent/1.0')
      expect(m![9]).toBeUndefined()
      expect(log.entries[0]!.outcome).toBe('complete')
      expect(log.entries[0]!.durationMs).toBeGreaterThanOrEqual(0)
    },
  )
})

describe('HEAD, errors and empty bodies', () => {
  const log = capture()
  const app: App = (request) => {
    if (request.url.endsWith('/missing')) throw new NotFound()
    if (request.url.endsWith('/crash')) throw new Error('secret detail')
    if (request.url.endsWith('/empty')) return new Response(null, { status: 204 })
    return new Response('hello')
  }
  matrix(
    'HEAD logs 0 bytes as complete; thrown errors log their status',
    () => pipe(app, transLogger({ sink: log.sink, format: 'common' })),
    async (fetch) => {
      log.lines.length = 0
      const head = await fetch('/', { method: 'HEAD' })
      expect(head.status).toBe(200)
      await vi.waitFor(() => expect(log.lines).toHaveLength(1))
      expect(log.lines[0]).toMatch(/"HEAD \/ HTTP\/1\.1" 200 -$/)
      expect((await fetch('/missing')).status).toBe(404)
      await vi.waitFor(() => expect(log.lines).toHaveLength(2))
      expect(log.lines[1]).toMatch(/"GET \/missing HTTP\/1\.1" 404 -$/)
      const empty = await fetch('/empty')
      expect(empty.status).toBe(204)
      await vi.waitFor(() => expect(log.lines).toHaveLength(3))
      expect(log.lines[2]).toMatch(/ 204 -$/)
    },
    { logger: silentLogger },
  )
  test('a thrown non-HTTP error is logged as 500 and rethrown unchanged', async () => {
    const { lines, sink } = capture()
    const error = new Error('boom')
    const logged = pipe(() => {
      throw error
    }, transLogger({ sink }))
    const request = new Request('http://localhost/crash')
    const { createContext } = await import('@paste/core')
    await expect(logged(request, createContext(request))).rejects.toBe(error)
    expect(lines[0]).toMatch(/"GET \/crash HTTP\/1\.1" 500 - "-" "-"$/)
  })
})

describe('client disconnects', () => {
  const log = capture()
  matrix(
    'a cancelled body is logged as aborted with the bytes sent so far',
    () => pipe(chunks(1000, 16384, 5), transLogger({ sink: log.sink })),
    async (fetch) => {
      log.lines.length = 0
      log.entries.length = 0
      const response = await fetch('/stream')
      const reader = response.body!.getReader()
      await reader.read()
      await reader.cancel()
      await vi.waitFor(() => expect(log.lines).toHaveLength(1))
      expect(log.entries[0]!.outcome).toBe('aborted')
      expect(log.entries[0]!.bytes).toBeGreaterThan(0)
      expect(log.entries[0]!.bytes).toBeLessThan(1000 * 16384)
      expect(log.lines[0]).toMatch(/ aborted$/)
    },
  )
})

describe('sinks', () => {
  const infos: string[] = []
  const logger: Logger = { ...silentLogger, info: (message) => void infos.push(message) }
  matrix(
    'default: the context logger at info',
    () => pipe(() => new Response('x'), transLogger()),
    async (fetch) => {
      infos.length = 0
      await (await fetch('/')).text()
      await vi.waitFor(() => expect(infos).toHaveLength(1))
      expect(infos[0]).toMatch(COMBINED)
    },
    { logger },
  )
  const written: string[] = []
  matrix(
    'a writable stream gets one line with a newline; JSON format',
    () =>
      pipe(
        () => new Response('four'),
        transLogger({ sink: { write: (chunk: string) => written.push(chunk) }, format: 'json' }),
      ),
    async (fetch) => {
      written.length = 0
      await (await fetch('/j?x=%22')).text()
      await vi.waitFor(() => expect(written).toHaveLength(1))
      expect(written[0]!.endsWith('\n')).toBe(true)
      const entry = JSON.parse(written[0]!)
      expect(entry).toMatchObject({ method: 'GET', target: '/j?x=%22', status: 200, bytes: 4 })
      expect(entry.outcome).toBe('complete')
    },
  )
  test('a failing sink is reported to the context logger, the response is unharmed', async () => {
    const errors: string[] = []
    const app = pipe(
      () => new Response('ok'),
      transLogger({
        sink: () => {
          throw new Error('disk full')
        },
      }),
    )
    const request = new Request('http://localhost/')
    const { createContext } = await import('@paste/core')
    const response = await app(
      request,
      createContext(request, { logger: { ...silentLogger, error: (m) => void errors.push(m) } }),
    )
    expect(await response.text()).toBe('ok')
    await vi.waitFor(() => expect(errors).toEqual(['@paste/translogger: the log sink failed']))
  })
})

describe('users and addresses', () => {
  // A stand-in for an auth filter: it derives a context with the user, as auth-basic does.
  const fakeAuth: Middleware = (app) => (request, context) =>
    app(request, context.derive({ remoteUser: 'alice', authType: 'basic' }))
  const log = capture()
  matrix(
    'recordUser below the auth filter names the user the outer logger cannot see',
    // pipe is outermost first: the logger wraps the auth filter, recordUser sits inside it
    () => pipe(() => new Response('x'), transLogger({ sink: log.sink }), fakeAuth, recordUser()),
    async (fetch) => {
      log.entries.length = 0
      await (await fetch('/')).text()
      await vi.waitFor(() => expect(log.entries).toHaveLength(1))
      expect(log.entries[0]!.remoteUser).toBe('alice')
    },
  )
  const unrecorded = capture()
  matrix(
    'without recordUser the logger above the auth filter does not see its user',
    () => pipe(() => new Response('x'), transLogger({ sink: unrecorded.sink }), fakeAuth),
    async (fetch) => {
      unrecorded.entries.length = 0
      await (await fetch('/')).text()
      await vi.waitFor(() => expect(unrecorded.entries).toHaveLength(1))
      expect(unrecorded.entries[0]!.remoteUser).toBeUndefined()
    },
  )
  const plain = capture()
  matrix(
    'without recordUser the user is the one in the logger’s own context; the app may set it',
    () =>
      pipe(
        (request: Request, context) => {
          if (request.url.endsWith('/named')) context.get(accessLogKey)?.setUser('bob')
          return new Response('x')
        },
        transLogger({ sink: plain.sink, user: (context) => context.remoteUser ?? 'anon' }),
      ),
    async (fetch) => {
      plain.lines.length = 0
      await (await fetch('/')).text()
      await (await fetch('/named')).text()
      await vi.waitFor(() => expect(plain.lines).toHaveLength(2))
      expect(plain.lines[0]).toMatch(/^127\.0\.0\.1 - anon /)
      expect(plain.lines[1]).toMatch(/^127\.0\.0\.1 - bob /)
    },
  )
  const proxied = capture()
  matrix(
    'the address is the trusted-proxy-resolved one; X-Forwarded-For from others is ignored',
    () => pipe(() => new Response('x'), transLogger({ sink: proxied.sink })),
    async (fetch) => {
      proxied.entries.length = 0
      await (await fetch('/', { headers: { 'x-forwarded-for': '203.0.113.9' } })).text()
      await vi.waitFor(() => expect(proxied.entries).toHaveLength(1))
      expect(proxied.entries[0]!.remoteAddress).toBe('203.0.113.9')
    },
    { trustProxy: ['loopback'] },
  )
  const direct = capture()
  matrix(
    'an untrusted peer cannot choose the logged address',
    () => pipe(() => new Response('x'), transLogger({ sink: direct.sink })),
    async (fetch) => {
      direct.entries.length = 0
      await (await fetch('/', { headers: { 'x-forwarded-for': '203.0.113.9' } })).text()
      await vi.waitFor(() => expect(direct.entries).toHaveLength(1))
      expect(direct.entries[0]!.remoteAddress).toBe('127.0.0.1')
    },
  )
})

describe('options', () => {
  test('skip leaves requests unlogged', async () => {
    const { lines, sink } = capture()
    const app = pipe(
      () => new Response('ok'),
      transLogger({ sink, skip: (request) => new URL(request.url).pathname === '/health' }),
    )
    const { createContext } = await import('@paste/core')
    for (const path of ['/health', '/page']) {
      const request = new Request(`http://localhost${path}`)
      await (await app(request, createContext(request))).text()
    }
    await vi.waitFor(() => expect(lines).toHaveLength(1))
    expect(lines[0]).toContain('"GET /page HTTP/1.1"')
  })
  test('bad options throw a TypeError naming the package and option', () => {
    expect(() => transLogger({ format: 'fancy' as never })).toThrow(/@paste\/translogger: format/)
    expect(() => transLogger({ level: 'loud' as never })).toThrow(/@paste\/translogger: level/)
    expect(() => transLogger({ sink: {} as never })).toThrow(/@paste\/translogger: sink/)
    expect(() => transLogger({ protocol: 'HTTP/1.1"\n' })).toThrow(/@paste\/translogger: protocol/)
  })
  test('the caller’s options object is not changed', () => {
    const options = Object.freeze({ format: 'common' as const })
    expect(() => transLogger(options)).not.toThrow()
  })
})

describe('on @paste/httpserver: the server reports when the response left, nothing is wrapped', () => {
  test('the response passes through as the app made it, and the line has the bytes written', async () => {
    const { serve } = await import('@paste/httpserver')
    const log = capture()
    const made: Response[] = []
    const seen: Response[] = []
    const app: App = () => {
      const response = new Response('héllo')
      made.push(response)
      return response
    }
    const spy: Middleware = (inner) => async (request, context) => {
      const response = await inner(request, context)
      seen.push(response)
      return response
    }
    const server = await serve(pipe(app, spy, transLogger({ sink: log.sink })), { port: 0 })
    try {
      expect(await (await fetch(`${server.url}/a?b=1`)).text()).toBe('héllo')
      await vi.waitFor(() => expect(log.entries).toHaveLength(1))
    } finally {
      await server.close()
    }
    // the app's own Response object reached the server (no Web stream wrapped around it)
    expect(seen[0]).toBe(made[0])
    expect(log.entries[0]).toMatchObject({ status: 200, bytes: 6, outcome: 'complete' })
    expect(log.lines[0]).toMatch(/"GET \/a\?b=1 HTTP\/1\.1" 200 6 /)
    // in process (no server to ask) the body is wrapped to watch it end
    const request = new Request('http://localhost/')
    const { createContext } = await import('@paste/core')
    const wrapped = await pipe(app, transLogger({ sink: log.sink }))(
      request,
      createContext(request),
    )
    expect(wrapped).not.toBe(made[1])
    expect(await wrapped.text()).toBe('héllo')
  })
})
