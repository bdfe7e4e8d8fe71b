import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { promisify } from 'node:util'
import type { App } from '@paste/core'
import { describe, expect, test } from 'vitest'
import { sleep } from '../test/helpers.js'
import { type PasteServer, serve } from './index.js'

const run = promisify(execFile)
const hello: App = () => new Response('hello')
const GET = 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'

/** A raw client: what the server sends, when the connection closed, and a way to wait. */
function client(socket: Socket) {
  const state = { text: '', closedAt: 0 }
  socket.setEncoding('latin1')
  socket.on('data', (chunk: string) => (state.text += chunk))
  socket.on('close', () => (state.closedAt = performance.now()))
  socket.on('error', () => {})
  return {
    state,
    socket,
    /** Waits until `count` responses (ending in "hello") have arrived; returns when. */
    async responses(count: number): Promise<number> {
      const deadline = Date.now() + 5000
      while (state.text.split('\r\n\r\nhello').length - 1 < count) {
        if (Date.now() > deadline || state.closedAt) throw new Error(`got: ${state.text}`)
        await sleep(2)
      }
      return performance.now()
    },
    /** Sends one request; resolves with how long the connection then stayed open (ms). */
    async idleAfterOne(): Promise<number> {
      socket.write(GET)
      const answered = await this.responses(1)
      return (await this.closed()) - answered
    },
    async closed(): Promise<number> {
      const deadline = Date.now() + 5000
      while (!state.closedAt) {
        if (Date.now() > deadline) throw new Error('the connection was not closed')
        await sleep(5)
      }
      return state.closedAt
    },
  }
}

async function open(server: PasteServer) {
  const c = client(connect(server.port, '127.0.0.1'))
  await once(c.socket, 'connect')
  return c
}

describe('keep-alive timeout (one sweep per server, no timer per connection)', () => {
  test('an idle connection is closed after keepAliveTimeout, never before', async () => {
    const server = await serve(hello, { port: 0, keepAliveTimeout: 1000 })
    try {
      // the sweep, not Node's per-socket timer (which the server falls back to without it)
      expect(server.server.keepAliveTimeout).toBe(0)
      const c = await open(server)
      c.socket.write(GET)
      const answered = await c.responses(1)
      // Node's own header, from the timeout the server enforces
      expect(c.state.text).toMatch(/\r\nKeep-Alive: timeout=1\r\n/i)
      expect(c.state.text).toMatch(/\r\nConnection: keep-alive\r\n/i)
      const idle = (await c.closed()) - answered
      expect(idle).toBeGreaterThanOrEqual(995) // timers never fire early (1 ms clock slack)
      expect(idle).toBeLessThan(1500 + 1000) // 1.5 timeouts, plus a loaded machine's delay
    } finally {
      await server.close()
    }
  })

  test('a connection never idle for a whole timeout stays open across many of them', async () => {
    const server = await serve(hello, { port: 0, keepAliveTimeout: 300 })
    try {
      const c = await open(server)
      for (let i = 1; i <= 8; i++) {
        c.socket.write(GET)
        await c.responses(i)
        await sleep(150)
      }
      // 8 x 150 ms is four timeouts: without the stamp per answer it would be gone
      expect(c.state.closedAt).toBe(0)
      c.socket.destroy()
    } finally {
      await server.close()
    }
  })

  test('a response slower than the timeout is not cut; idle time counts from its end', async () => {
    const slow: App = async () => {
      await sleep(900)
      return new Response('hello')
    }
    const server = await serve(slow, { port: 0, keepAliveTimeout: 300 })
    try {
      const c = await open(server)
      expect(await c.idleAfterOne()).toBeGreaterThanOrEqual(295)
    } finally {
      await server.close()
    }
  })

  test('an upgraded connection belongs to the application: the sweep never closes it', async () => {
    const server = await serve(hello, { port: 0, keepAliveTimeout: 200 })
    server.server.on('upgrade', (_request, socket: Socket) => {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
      )
      socket.on('data', (data) => socket.write(data))
      socket.on('end', () => socket.end()) // the server's sockets are half-open by default
    })
    try {
      const c = await open(server)
      c.socket.write(
        'GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
      )
      await sleep(900) // four timeouts, idle
      c.socket.write('still here')
      await sleep(100)
      expect(c.state.text).toMatch(/^HTTP\/1.1 101 .*still here$/s)
      expect(c.state.closedAt).toBe(0)
      c.socket.destroy()
    } finally {
      await server.close()
    }
  })

  test('keepAliveTimeout 0: no timeout, and no Keep-Alive header', async () => {
    const server = await serve(hello, { port: 0, keepAliveTimeout: 0 })
    try {
      const c = await open(server)
      c.socket.write(GET)
      await c.responses(1)
      expect(c.state.text).not.toMatch(/keep-alive: timeout/i)
      await sleep(600)
      expect(c.state.closedAt).toBe(0)
      c.socket.destroy()
    } finally {
      server.server.closeAllConnections()
      await server.close()
    }
  })

  test('https: the TLS connection is the one timed', async () => {
    const fixture = (name: string) =>
      readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url))
    const server = await serve(hello, {
      port: 0,
      keepAliveTimeout: 300,
      https: { key: fixture('localhost-key.pem'), cert: fixture('localhost-cert.pem') },
    })
    try {
      expect(server.server.keepAliveTimeout).toBe(0)
      const c = client(
        tlsConnect({ port: server.port, host: '127.0.0.1', rejectUnauthorized: false }),
      )
      await once(c.socket, 'secureConnect')
      expect(await c.idleAfterOne()).toBeGreaterThanOrEqual(295)
    } finally {
      await server.close()
    }
  })

  test('curl sees the Keep-Alive header and reuses the connection within the timeout', async () => {
    const server = await serve(hello, { port: 0, keepAliveTimeout: 3000 })
    try {
      const out = await run('curl', ['-sv', `${server.url}/a`, `${server.url}/b`])
      expect(out.stdout).toBe('hellohello')
      expect(out.stderr).toMatch(/< Keep-Alive: timeout=3/i)
      expect(out.stderr).toMatch(/Re-using existing connection|Reusing existing/i)
    } finally {
      await server.close()
    }
  })
})

test('a server whose connection list cannot be found keeps Node’s own timers', async () => {
  const { createServer } = await import('node:http')
  const { reapIdleConnections } = await import('./idle.js')
  // Node creates the list when the server starts listening
  expect(reapIdleConnections(createServer(), 1000, { tick: 0 })).toBe(false)
})
