import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import type { App } from '@paste/core'
import { afterAll, describe, expect, test } from 'vitest'
import { sleep } from '../test/helpers.js'
import { SEND_FILE, serve } from './index.js'

const run = promisify(execFile)
const dir = mkdtempSync(join(tmpdir(), 'paste-httpserver-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const hello: App = (request) => new Response(`hello ${new URL(request.url).protocol}`)

describe('serve() options', () => {
  test('https with a self-signed certificate (made by openssl, else the fixture)', async () => {
    let key = new URL('../test/fixtures/localhost-key.pem', import.meta.url).pathname
    let cert = new URL('../test/fixtures/localhost-cert.pem', import.meta.url).pathname
    try {
      const made = [join(dir, 'key.pem'), join(dir, 'cert.pem')] as const
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          made[0],
          '-out',
          made[1],
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
        ],
        { stdio: 'ignore' },
      )
      ;[key, cert] = made
    } catch {
      // no openssl on this machine: the committed test certificate (CN=localhost) serves
    }
    const server = await serve(hello, {
      port: 0,
      https: { key: readFileSync(key), cert: readFileSync(cert) },
    })
    try {
      expect(server.url).toBe(`https://127.0.0.1:${server.port}`)
      const text = await new Promise<string>((resolve, reject) => {
        httpsRequest(
          `${server.url}/`,
          { rejectUnauthorized: false, headers: { host: 'localhost' } },
          (res) => {
            let body = ''
            res.on('data', (chunk) => (body += chunk))
            res.on('end', () => resolve(body))
          },
        )
          .on('error', reject)
          .end()
      })
      expect(text).toBe('hello https:')
      const curl = await run('curl', ['-sk', `${server.url}/`])
      expect(curl.stdout).toBe('hello https:')
    } finally {
      await server.close()
    }
  })

  const hasIpv6Loopback = Object.values(networkInterfaces())
    .flat()
    .some((i) => i?.address === '::1')
  test.runIf(hasIpv6Loopback)('IPv6 loopback (on machines that have ::1)', async () => {
    const server = await serve(hello, { port: 0, host: '::1' })
    try {
      expect(server.url).toBe(`http://[::1]:${server.port}`)
      const response = await fetch(`${server.url}/`)
      expect(await response.text()).toBe('hello http:')
    } finally {
      await server.close()
    }
  })

  test('curl with keep-alive reuses one connection', async () => {
    const server = await serve(hello, { port: 0 })
    try {
      const out = await run('curl', ['-sv', `${server.url}/a`, `${server.url}/b`])
      expect(out.stdout).toBe('hello http:hello http:')
      expect(out.stderr).toMatch(/Re-using existing connection|Reusing existing/i)
    } finally {
      await server.close()
    }
  })

  test('close() lets an in-flight request finish, then stops', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const server = await serve(
      async () => {
        await gate
        return new Response('finished')
      },
      // an idle keep-alive connection would otherwise hold close() for 30 s
      { port: 0, keepAliveTimeout: 30_000 },
    )
    const pending = fetch(`${server.url}/`).then((r) => r.text())
    await sleep(100)
    const closed = server.close()
    await sleep(50)
    release()
    expect(await pending).toBe('finished')
    const started = Date.now()
    await closed
    expect(Date.now() - started).toBeLessThan(10_000)
    await expect(fetch(`${server.url}/`)).rejects.toThrow()
  })

  test('close() cuts requests still running after closeTimeout', async () => {
    const server = await serve(() => new Promise<Response>(() => {}), {
      port: 0,
      closeTimeout: 200,
    })
    const pending = fetch(`${server.url}/`).catch((error: unknown) => error)
    await sleep(100)
    const started = Date.now()
    await server.close()
    expect(Date.now() - started).toBeLessThan(8000)
    expect(await pending).toBeInstanceOf(Error)
  })

  test('a Response carrying SEND_FILE is sent from disk, range included', async () => {
    const file = join(dir, 'data.txt')
    writeFileSync(file, '0123456789abcdef')
    const server = await serve(
      (request) => {
        const url = new URL(request.url)
        const response = new Response(
          new ReadableStream({ start: (c) => c.error(new Error('unused')) }),
        )
        const value =
          url.pathname === '/stream'
            ? { stream: Readable.from([Buffer.from('from a '), Buffer.from('node stream')]) }
            : { path: file, start: 2, end: 5 }
        Object.defineProperty(response, SEND_FILE, { value })
        return response
      },
      { port: 0 },
    )
    try {
      expect(await (await fetch(`${server.url}/file`)).text()).toBe('2345')
      expect(await (await fetch(`${server.url}/stream`)).text()).toBe('from a node stream')
      const head = await fetch(`${server.url}/file`, { method: 'HEAD' })
      expect(head.status).toBe(200)
    } finally {
      await server.close()
    }
  })

  test('a client leaving mid-file releases the stream (even one still opening its file)', async () => {
    const { connect } = await import('node:net')
    let destroyed = 0
    let opened = 0
    let called: () => void = () => {}
    const server = await serve(
      () => {
        called()
        // a source that takes a while to open, then yields 64 KiB chunks forever
        const stream = new Readable({
          read() {
            setTimeout(() => {
              opened++
              this.push(Buffer.alloc(64 * 1024))
            }, 30)
          },
          destroy(error, callback) {
            destroyed++
            callback(error)
          },
        })
        const response = new Response(null, { headers: { 'content-length': String(2 ** 30) } })
        Object.defineProperty(response, SEND_FILE, { value: { stream } })
        return response
      },
      { port: 0 },
    )
    try {
      // leaves before the first chunk (as soon as the app has the request: the source takes
      // 30 ms to open), then after some chunks; waiting for the app first keeps a busy
      // machine from dropping the connection before the request was even read
      for (const wait of [0, 200]) {
        const reached = new Promise<void>((resolve) => (called = resolve))
        const socket = connect(server.port, '127.0.0.1')
        socket.on('error', () => {})
        socket.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
        await reached
        await sleep(wait)
        socket.destroy()
      }
      for (let i = 0; i < 250 && destroyed < 2; i++) await sleep(20)
      expect(destroyed).toBe(2)
      expect(opened).toBeGreaterThan(0)
      expect((await fetch(`${server.url}/`, { method: 'HEAD' })).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  test('a response body is produced only as fast as the client reads (backpressure)', async () => {
    const { connect } = await import('node:net')
    let produced = 0
    const server = await serve(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              produced += 64 * 1024
              controller.enqueue(new Uint8Array(64 * 1024))
            },
          }),
        ),
      { port: 0 },
    )
    const socket = connect(server.port, '127.0.0.1')
    try {
      socket.on('error', () => {})
      socket.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
      socket.pause() // read nothing
      // wait until production stops (buffers full), however slow the machine is
      let last = -1
      for (let i = 0; i < 100 && produced !== last; i++) {
        last = produced
        await sleep(100)
      }
      const stalled = produced
      await sleep(300)
      // socket buffers and the stream's queue hold a few MB; then production stops
      expect(stalled).toBeLessThan(64 * 1024 * 1024)
      expect(produced - stalled).toBeLessThanOrEqual(128 * 1024)
      socket.resume() // reading again lets it go on
      await sleep(300)
      expect(produced).toBeGreaterThan(stalled + 128 * 1024)
    } finally {
      socket.destroy()
      await server.close()
    }
  })

  test('trustProxy: forwarded headers are believed from a trusted peer only', async () => {
    const app: App = (_request, context) =>
      Response.json({ ip: context.remoteAddress, scheme: context.scheme, host: context.host })
    const headers = {
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'public.example',
    }
    const trusting = await serve(app, { port: 0, trustProxy: ['loopback'] })
    const plain = await serve(app, { port: 0 })
    try {
      expect(await (await fetch(trusting.url, { headers })).json()).toEqual({
        ip: '203.0.113.9',
        scheme: 'https',
        host: 'public.example',
      })
      const ignored = (await (await fetch(plain.url, { headers })).json()) as { ip: string }
      expect(ignored.ip).toBe('127.0.0.1')
    } finally {
      await trusting.close()
      await plain.close()
    }
  })

  test('bad configuration throws a TypeError naming the option', async () => {
    await expect(serve(hello, { port: -1 })).rejects.toThrow(/@paste\/httpserver: port/)
    await expect(serve(hello, { workers: 0 })).rejects.toThrow(/workers/)
    await expect(serve(hello, { maxBodyBytes: -5 })).rejects.toThrow(/maxBodyBytes/)
  })
})

describe('workers (node:cluster)', () => {
  test('forks workers sharing one port, answers from several, shuts all down', async () => {
    const script = join(dir, 'worker.mjs')
    const entry = new URL('../dist/index.js', import.meta.url).pathname
    writeFileSync(
      script,
      `import { serve } from ${JSON.stringify(entry)}
const server = await serve(() => new Response(String(process.pid)), { port: 0, workers: 2 })
if (process.send === undefined) console.log('primary', server.url)
`,
    )
    const { default: cluster } = await import('node:cluster')
    // vitest runs with `--conditions @paste/source`; the workers load the built JavaScript.
    cluster.setupPrimary({ execArgv: [] })
    const server = await serve(hello, { port: 0, workers: 2, workerScript: script })
    try {
      expect(server.workers).toBe(2)
      const pids = new Set<string>()
      for (let i = 0; i < 40 && pids.size < 2; i++) {
        const response = await fetch(`${server.url}/`, { headers: { connection: 'close' } })
        pids.add(await response.text())
      }
      expect(pids.size).toBe(2)
    } finally {
      await server.close()
    }
    expect(Object.keys(cluster.workers ?? {})).toHaveLength(0)
  }, 30_000)
})
