import { existsSync, readFileSync, rmSync } from 'node:fs'
import { type App, type Logger, pipe, silentLogger } from '@paste/core'
import { recursive } from '@paste/recursive'
import { matrix } from '@paste-tooling/testing'
import { afterAll, describe, expect, test, vi } from 'vitest'
import { parseEnv, running, writeScripts } from '../test/scripts.js'
import { cgiApp } from './index.js'

const scripts = writeScripts()
afterAll(() => scripts.remove())

/** A logger that keeps what it is told. */
function recordingLogger(): Logger & {
  records: { level: string; message: string; details?: Record<string, unknown> }[]
} {
  const records: { level: string; message: string; details?: Record<string, unknown> }[] = []
  const keep = (level: string) => (message: string, details?: Record<string, unknown>) =>
    void records.push(details === undefined ? { level, message } : { level, message, details })
  return {
    records,
    error: keep('error'),
    warn: keep('warn'),
    info: keep('info'),
    debug: keep('debug'),
  }
}

/** Mounts an App under /cgi, as a dispatcher would. */
const mount =
  (app: App): App =>
  (request, context) =>
    app(request, context.shift('/cgi'))

process.env.PASTE_CGI_TEST_SECRET = 's3cret'

describe('sh: meta-variables and a minimal environment', () => {
  matrix(
    'RFC 3875 variables from request and context; no server secrets; cwd is the script dir',
    () => mount(cgiApp(scripts.path('env.sh'))),
    async (fetch, transport) => {
      const response = await fetch('/cgi/some/path%20x?x=1&y', {
        headers: { 'x-custom': 'yes', proxy: 'http://evil.example:3128', x_custom: 'spoofed' },
      })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/plain')
      expect(response.headers.get('x-script')).toBe('sh')
      const env = parseEnv(await response.text())
      expect(env).toMatchObject({
        CWD: scripts.dir,
        GATEWAY_INTERFACE: 'CGI/1.1',
        REQUEST_METHOD: 'GET',
        SCRIPT_NAME: '/cgi',
        PATH_INFO: '/some/path x',
        QUERY_STRING: 'x=1&y',
        REQUEST_URI: '/cgi/some/path%20x?x=1&y',
        SCRIPT_FILENAME: scripts.path('env.sh'),
        REMOTE_ADDR: '127.0.0.1',
        SERVER_PROTOCOL: 'HTTP/1.1',
        HTTP_X_CUSTOM: 'yes',
        PATH: process.env.PATH,
      })
      expect(env.SERVER_NAME).toBe(transport === 'in-process' ? 'localhost' : '127.0.0.1')
      // httpoxy: a Proxy header never becomes HTTP_PROXY, the proxy setting of HTTP clients
      expect(env).not.toHaveProperty('HTTP_PROXY')
      // the server's own environment is not passed on
      expect(env).not.toHaveProperty('PASTE_CGI_TEST_SECRET')
      expect(env).not.toHaveProperty('HOME')
      expect(env).not.toHaveProperty('PATH_TRANSLATED')
      if (transport === 'loopback') expect(env.REMOTE_PORT).toMatch(/^\d+$/)
    },
  )
  matrix(
    'HEAD gets the headers only',
    () => cgiApp(scripts.path('env.sh')),
    async (fetch) => {
      const response = await fetch('/', { method: 'HEAD' })
      expect(response.status).toBe(200)
      expect(response.headers.get('x-script')).toBe('sh')
      expect(await response.text()).toBe('')
    },
  )
})

describe('python: the body on stdin', () => {
  matrix(
    'echoes the body with its type; Status with a reason phrase',
    () => cgiApp(scripts.path('echo.py')),
    async (fetch) => {
      const response = await fetch('/', {
        method: 'POST',
        body: 'hello body',
        headers: { 'content-type': 'text/x-test' },
      })
      expect(response.status).toBe(201)
      expect(response.statusText).toBe('Created Here')
      expect(response.headers.get('content-type')).toBe('text/x-test')
      expect(response.headers.get('x-method')).toBe('POST')
      expect(response.headers.get('x-length')).toBe('10')
      expect(await response.text()).toBe('hello body')
    },
  )
  matrix(
    'a 3 MiB binary body round-trips through both pipes',
    () => cgiApp(scripts.path('echo.py')),
    async (fetch) => {
      const body = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) % 251)
      const response = await fetch('/', { method: 'POST', body })
      expect(response.headers.get('x-length')).toBe(String(body.byteLength))
      // Buffer.equals: a deep equality over 3 million elements would dominate the test
      expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true)
    },
  )
  matrix(
    'a streamed upload without a length is read first, then CONTENT_LENGTH is set',
    () => cgiApp(scripts.path('echo.py')),
    async (fetch) => {
      const parts = ['chunk one, ', 'chunk two']
      const body = new ReadableStream({
        pull(controller) {
          const part = parts.shift()
          if (part === undefined) controller.close()
          else controller.enqueue(new TextEncoder().encode(part))
        },
      })
      const response = await fetch('/', { method: 'PUT', body, duplex: 'half' } as RequestInit)
      expect(response.headers.get('x-method')).toBe('PUT')
      expect(response.headers.get('x-length')).toBe('20')
      expect(await response.text()).toBe('chunk one, chunk two')
    },
  )
  test('an upload that fails midway (client gone): 400, the script never runs', async () => {
    const { createContext } = await import('@paste/core')
    let pulls = 0
    const body = new ReadableStream({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new Uint8Array(10))
        else controller.error(new Error('connection reset'))
      },
    })
    const request = new Request('http://localhost/', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit)
    const response = await cgiApp(scripts.path('echo.py'))(request, createContext(request))
    expect(response.status).toBe(400)
  })
  matrix(
    'a body over maxBodyBytes: 413, declared or not',
    () => cgiApp(scripts.path('echo.py'), { maxBodyBytes: 1000 }),
    async (fetch) => {
      expect((await fetch('/', { method: 'POST', body: 'x'.repeat(1001) })).status).toBe(413)
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array(600))
          controller.enqueue(new Uint8Array(600))
          controller.close()
        },
      })
      const chunked = await fetch('/', {
        method: 'POST',
        body: stream,
        duplex: 'half',
      } as RequestInit)
      expect(chunked.status).toBe(413)
      expect((await fetch('/', { method: 'POST', body: 'x'.repeat(1000) })).status).toBe(201)
    },
  )
})

describe('perl: a form handler', () => {
  matrix(
    'reads the urlencoded form; several Set-Cookie lines stay separate',
    () => cgiApp(scripts.path('form.pl')),
    async (fetch) => {
      const response = await fetch('/?a=b', {
        method: 'POST',
        body: new URLSearchParams({ name: 'Jörg X' }),
      })
      expect(response.status).toBe(200)
      expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
      expect(await response.text()).toBe('Hello Jörg X from perl (POST a=b)\n')
    },
  )
  matrix(
    'interpreter option: a script that is not executable, run by perl',
    () => cgiApp(scripts.path('form.pl'), { interpreter: ['/usr/bin/perl', '-w'] }),
    async (fetch) => {
      const response = await fetch('/', { method: 'POST', body: 'name=interp' })
      expect(await response.text()).toBe('Hello interp from perl (POST )\n')
    },
  )
})

describe('streaming', () => {
  matrix(
    'the first lines arrive while the script is still running',
    () => cgiApp(scripts.path('slow.sh'), { env: { MARKER: `${scripts.dir}/slow.done` } }),
    async (fetch) => {
      const marker = `${scripts.dir}/slow.done`
      const response = await fetch('/')
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
      const first = await reader.read()
      expect(first.value).toMatch(/^line 1\n/)
      expect(existsSync(marker)).toBe(false) // the script has not finished yet
      let rest = first.value!
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        rest += value
      }
      expect(rest).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n')
      await vi.waitFor(() => expect(existsSync(marker)).toBe(true))
      const { rmSync } = await import('node:fs')
      rmSync(marker)
    },
  )
  matrix(
    'a 64 MiB output streams through with backpressure (the script waits for the client)',
    () => cgiApp(scripts.path('huge.py'), { env: { PROGRESS: `${scripts.dir}/huge.progress` } }),
    async (fetch) => {
      const progress = `${scripts.dir}/huge.progress`
      const blocks = () => Number(readFileSync(progress, 'utf8') || 0)
      const response = await fetch('/')
      await vi.waitFor(() => expect(existsSync(progress)).toBe(true))
      await new Promise((r) => setTimeout(r, 400))
      // nobody read the body: the script is blocked on a full pipe, far from done
      expect(blocks()).toBeLessThan(512)
      let total = 0
      let last = 0
      for await (const chunk of response.body!) {
        total += chunk.byteLength
        last = chunk[chunk.byteLength - 1]!
      }
      expect(total).toBe(64 * 1024 * 1024)
      expect(last).toBe(255)
      await vi.waitFor(() => expect(blocks()).toBe(1024))
    },
    { timeout: 60_000 },
  )
})

describe('failures', () => {
  const logger = recordingLogger()
  matrix(
    'output that is not CGI: 502; the reason and stderr go to the log, not the client',
    () => cgiApp(scripts.path('bad.sh')),
    async (fetch) => {
      logger.records.length = 0
      const response = await fetch('/')
      expect(response.status).toBe(502)
      const text = await response.text()
      expect(text).not.toContain('secret stderr detail')
      expect(text).not.toContain('hey you')
      expect(text).not.toContain(scripts.dir)
      const error = logger.records.find((r) => r.message === '@paste/cgiapp: bad gateway')
      expect(error?.details?.reason).toBe('a header line without a colon')
      await vi.waitFor(() =>
        expect(logger.records).toContainEqual({
          level: 'warn',
          message: '@paste/cgiapp: script stderr',
          details: { script: scripts.path('bad.sh'), line: 'secret stderr detail' },
        }),
      )
    },
    { logger },
  )
  const timeouts = recordingLogger()
  matrix(
    'a script past the timeout: 504, and its whole process group is killed (no zombies)',
    () =>
      cgiApp(scripts.path('sleepy.sh'), {
        timeout: 500,
        killTimeout: 300,
        env: { PIDS: `${scripts.dir}/sleepy` },
      }),
    async (fetch) => {
      const response = await fetch('/')
      expect(response.status).toBe(504)
      expect(await response.text()).not.toContain('too late')
      const leader = Number(readFileSync(`${scripts.dir}/sleepy.leader`, 'utf8'))
      const child = Number(readFileSync(`${scripts.dir}/sleepy.child`, 'utf8'))
      await vi.waitFor(() => {
        expect(running(leader)).toBe(false)
        expect(running(child)).toBe(false)
      })
      expect(timeouts.records.some((r) => r.message === '@paste/cgiapp: script timed out')).toBe(
        true,
      )
    },
    { logger: timeouts },
  )
  matrix(
    'a script that ignores SIGTERM gets SIGKILL after killTimeout',
    () =>
      cgiApp(scripts.path('stubborn.sh'), {
        timeout: 300,
        killTimeout: 300,
        env: { PIDS: `${scripts.dir}/stubborn` },
      }),
    async (fetch) => {
      expect((await fetch('/')).status).toBe(504)
      const leader = Number(readFileSync(`${scripts.dir}/stubborn.leader`, 'utf8'))
      await vi.waitFor(() => expect(running(leader)).toBe(false), { timeout: 3000 })
    },
    { logger: silentLogger },
  )
  matrix(
    'a client that goes away kills the script',
    () => cgiApp(scripts.path('endless.sh'), { env: { PIDS: `${scripts.dir}/endless` } }),
    async (fetch) => {
      const response = await fetch('/')
      const reader = response.body!.getReader()
      expect((await reader.read()).done).toBe(false)
      const leader = Number(readFileSync(`${scripts.dir}/endless.leader`, 'utf8'))
      expect(running(leader)).toBe(true)
      await reader.cancel()
      await vi.waitFor(() => expect(running(leader)).toBe(false), { timeout: 5000 })
    },
  )
  matrix(
    'a client that goes away before the headers kills the script and its children',
    () => cgiApp(scripts.path('sleepy.sh'), { env: { PIDS: `${scripts.dir}/gone` } }),
    async (fetch) => {
      const controller = new AbortController()
      const pending = fetch('/', { signal: controller.signal }).catch(() => undefined)
      await vi.waitFor(() => expect(existsSync(`${scripts.dir}/gone.child`)).toBe(true))
      const leader = Number(readFileSync(`${scripts.dir}/gone.leader`, 'utf8'))
      const child = Number(readFileSync(`${scripts.dir}/gone.child`, 'utf8'))
      controller.abort()
      await pending
      await vi.waitFor(
        () => {
          expect(running(leader)).toBe(false)
          expect(running(child)).toBe(false)
        },
        { timeout: 5000 },
      )
      rmSync(`${scripts.dir}/gone.child`)
    },
  )
  matrix(
    'a timeout after the headers aborts the body instead of ending it cleanly',
    () =>
      cgiApp(scripts.path('endless.sh'), { timeout: 400, env: { PIDS: `${scripts.dir}/late` } }),
    async (fetch) => {
      const response = await fetch('/')
      expect(response.status).toBe(200)
      await expect(response.text()).rejects.toThrow()
      const leader = Number(readFileSync(`${scripts.dir}/late.leader`, 'utf8'))
      await vi.waitFor(() => expect(running(leader)).toBe(false))
    },
    { logger: silentLogger },
  )
  const spawnLog = recordingLogger()
  matrix(
    'an interpreter that does not exist: 502, logged',
    () => cgiApp(scripts.path('form.pl'), { interpreter: ['/nonexistent/perl'] }),
    async (fetch) => {
      const response = await fetch('/')
      expect(response.status).toBe(502)
      expect(await response.text()).not.toContain('nonexistent')
      expect(spawnLog.records[0]?.details?.reason).toMatch(/spawn failed: .*ENOENT/)
    },
    { logger: spawnLog },
  )
})

describe('redirects (RFC 3875 6.2)', () => {
  const router: App = (request, context) =>
    context.pathInfo === '/target'
      ? new Response(`target ${request.method} ${context.search}`)
      : cgiApp(scripts.path('redirect.sh'))(request, context)
  matrix(
    'a local redirect is followed inside the server by @paste/recursive, as a GET',
    () => pipe(router, recursive()),
    async (fetch) => {
      const response = await fetch('/start', { method: 'POST', body: 'x=1' })
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('target GET ?from=cgi')
    },
  )
  matrix(
    'a script redirecting to itself ends in a 500 from recursive loop detection, not a hang',
    () => pipe(router, recursive()),
    async (fetch) => {
      const response = await fetch('/loop')
      expect(response.status).toBe(500)
    },
    { logger: silentLogger },
  )
  matrix(
    'without recursive above it becomes a 302 to the same path; a client redirect is a 302',
    () => router,
    async (fetch, transport) => {
      const local = await fetch('/start', { redirect: 'manual' })
      expect(local.status).toBe(302)
      const origin = transport === 'in-process' ? 'http://localhost' : new URL(local.url).origin
      expect(local.headers.get('location')).toBe(`${origin}/target?from=cgi`)
      const away = await fetch('/away', { redirect: 'manual' })
      expect(away.status).toBe(302)
      expect(away.headers.get('location')).toBe('https://example.org/elsewhere')
    },
  )
  matrix(
    'internalRedirects: false always answers with a 302',
    () => pipe(cgiApp(scripts.path('redirect.sh'), { internalRedirects: false }), recursive()),
    async (fetch) => {
      const response = await fetch('/start', { redirect: 'manual' })
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toMatch(/\/target\?from=cgi$/)
    },
  )
})

test('a non-executable script without an interpreter is refused at creation', async () => {
  const { writeFileSync } = await import('node:fs')
  const file = `${scripts.dir}/plain.txt`
  writeFileSync(file, 'not a program', { mode: 0o644 })
  expect(() => cgiApp(file)).toThrow(/@paste\/cgiapp: script .* is not executable/)
  expect(() => cgiApp(`${scripts.dir}/missing.cgi`)).toThrow(
    /@paste\/cgiapp: script .* is not a file/,
  )
  expect(() => cgiApp(scripts.dir)).toThrow(/is not a file/)
})

test('bad options throw a TypeError naming the option', () => {
  const script = scripts.path('env.sh')
  expect(() => cgiApp(script, { maxBodyBytes: -1 })).toThrow(/@paste\/cgiapp: maxBodyBytes/)
  expect(() => cgiApp(script, { timeout: 0 })).toThrow(/@paste\/cgiapp: timeout/)
  expect(() => cgiApp(script, { env: { 'A-B': 'x' } })).toThrow(/@paste\/cgiapp: env name/)
  expect(() => cgiApp(script, { env: { A: 'x\ny' } })).toThrow(/@paste\/cgiapp: env A/)
  expect(() => cgiApp(script, { inheritEnv: ['A=B'] })).toThrow(/@paste\/cgiapp: inheritEnv/)
  expect(() => cgiApp(script, { interpreter: [] })).toThrow(/@paste\/cgiapp: interpreter/)
  expect(() => cgiApp(script, { query: 'a\r\nb' })).toThrow(/@paste\/cgiapp: query/)
  expect(() => cgiApp(script, Object.freeze({ timeout: 1000 }))).not.toThrow()
})
