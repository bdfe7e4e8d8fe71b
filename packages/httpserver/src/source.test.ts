/*
 * The `source` form of SEND_FILE: the server reads into its own pooled buffers and reuses
 * each one only after the socket has written it. These tests are about that reuse never
 * mixing bytes between responses, and about failures aborting instead of ending short.
 */
import { createHash, randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { type App, silentLogger } from '@paste/core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sleep } from '../test/helpers.js'
import { type PasteServer, SEND_FILE, type SendSource, serve } from './index.js'

/** A SendSource over bytes in memory, answering each read after a random delay. */
function memorySource(
  data: Uint8Array,
  track: { closed: number },
  options: { shortBy?: number; failAt?: number; sync?: boolean } = {},
): SendSource {
  let position = 0
  let closed = false
  return {
    length: data.length,
    read(buffer, done) {
      if (closed) return done(new Error('read after close'), 0)
      if (options.sync) {
        // fill at once (as a page-cache read can), answer on the next turn
        const n = Math.min(buffer.length, data.length - position)
        buffer.set(data.subarray(position, position + n))
        position += n
        setImmediate(done, null, n)
        return
      }
      setTimeout(() => {
        if (options.failAt !== undefined && position >= options.failAt)
          return done(new Error('disk on fire'), 0)
        const end = Math.min(data.length - (options.shortBy ?? 0), position + buffer.length)
        const n = Math.max(0, end - position)
        buffer.set(data.subarray(position, position + n))
        position += n
        done(null, n)
      }, Math.random() * 3)
    },
    close() {
      if (closed) throw new Error('closed twice')
      closed = true
      track.closed++
    },
  }
}

// the last one is larger than loopback's socket buffers, so writes to a paused reader pend
const payloads = [1_500_000, 700_001, 2_300_000, 24_000_000].map((n) => randomBytes(n))
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const track = { closed: 0 }
let server: PasteServer

const app: App = (request) => {
  const url = new URL(request.url)
  const which = Number(url.searchParams.get('p') ?? 0)
  const data = payloads[which]!
  const options: { shortBy?: number; failAt?: number; sync?: boolean } = {}
  if (url.searchParams.has('sync')) options.sync = true
  if (url.searchParams.has('short')) options.shortBy = 1000
  if (url.searchParams.has('fail')) options.failAt = 300_000
  const response = new Response(null, {
    headers: { 'content-length': String(data.length), 'content-type': 'application/octet-stream' },
  })
  Object.defineProperty(response, SEND_FILE, {
    value: { source: memorySource(data, track, options) },
  })
  return response
}

beforeAll(async () => {
  server = await serve(app, { port: 0, logger: silentLogger })
})
afterAll(() => server.close())

describe('SEND_FILE { source }: pooled buffers', () => {
  test('36 concurrent downloads of three payloads arrive byte-exact (no buffer shared early)', async () => {
    const results = await Promise.all(
      Array.from({ length: 36 }, async (_, i) => {
        const p = i % 3
        const response = await fetch(`${server.url}/?p=${p}`)
        return { p, digest: sha(new Uint8Array(await response.arrayBuffer())) }
      }),
    )
    for (const { p, digest } of results) expect(digest).toBe(sha(payloads[p]!))
  })

  test('slow readers keep their bytes while fast ones reuse the pool (buffers held by a socket are never reused)', async () => {
    // a paused client leaves the server's writes pending in the socket; meanwhile fast
    // downloads take buffers from the pool: a buffer returned too early is overwritten
    const slow = Array.from({ length: 3 }, () => slowDownload(server.port, 3))
    const fast = Array.from({ length: 12 }, async (_, i) => {
      const response = await fetch(`${server.url}/?p=${i % 3}&sync`)
      return { p: i % 3, digest: sha(new Uint8Array(await response.arrayBuffer())) }
    })
    for (const { p, digest } of await Promise.all([...slow, ...fast]))
      expect(digest).toBe(sha(payloads[p]!))
  })

  test('a keep-alive connection reusing buffers across responses stays exact', async () => {
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${server.url}/?p=${(i * 2) % 3}`)
      expect(sha(new Uint8Array(await response.arrayBuffer()))).toBe(sha(payloads[(i * 2) % 3]!))
    }
  })

  test('a source that ends before its length aborts the connection (never a short body)', async () => {
    const before = track.closed
    await expect(fetch(`${server.url}/?p=1&short`).then((r) => r.arrayBuffer())).rejects.toThrow()
    await waitFor(() => track.closed === before + 1)
  })

  test('a source whose read fails aborts the connection and is closed once', async () => {
    const before = track.closed
    await expect(fetch(`${server.url}/?p=0&fail`).then((r) => r.arrayBuffer())).rejects.toThrow()
    await waitFor(() => track.closed === before + 1)
  })

  test('a client leaving mid-body closes the source exactly once', async () => {
    const before = track.closed
    const socket = connect(server.port, '127.0.0.1')
    socket.on('error', () => {})
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve())
      socket.write('GET /?p=2 HTTP/1.1\r\nHost: a\r\n\r\n')
    })
    socket.destroy()
    await waitFor(() => track.closed === before + 1)
    // the server goes on answering
    const next = await fetch(`${server.url}/?p=1`)
    expect(sha(new Uint8Array(await next.arrayBuffer()))).toBe(sha(payloads[1]!))
  })

  test('HEAD does not read the source', async () => {
    const response = await fetch(`${server.url}/?p=0`, { method: 'HEAD' })
    expect(response.headers.get('content-length')).toBe(String(payloads[0]!.length))
  })
})

/** Downloads over a raw socket that stops reading for a while after the first bytes. */
function slowDownload(port: number, p: number): Promise<{ p: number; digest: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let received = 0
    let bodyStart = -1
    let paused = false
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      received += chunk.length
      if (!paused) {
        paused = true
        socket.pause()
        setTimeout(() => socket.resume(), 300)
      }
      if (bodyStart === -1) {
        const head = Buffer.concat(chunks).indexOf('\r\n\r\n')
        if (head !== -1) bodyStart = head + 4
      }
      if (bodyStart !== -1 && received - bodyStart >= payloads[p]!.length) {
        socket.destroy()
        resolve({ p, digest: sha(Buffer.concat(chunks).subarray(bodyStart)) })
      }
    })
    socket.on('error', reject)
    socket.write(`GET /?p=${p}&sync HTTP/1.1\r\nHost: a\r\n\r\n`)
  })
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(20)
  expect(check()).toBe(true)
}
