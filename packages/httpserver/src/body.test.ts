/*
 * readBody: a declared body is copied into one buffer once an eighth of it has arrived;
 * before that (and for chunked bodies) chunks are collected and joined. Checked on a
 * stand-in IncomingMessage (to see when memory is committed) and through a real server.
 */
import { createHash, randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import { silentLogger } from '@paste/core'
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { oversized, readBody } from './body.js'
import { type PasteServer, serve } from './index.js'

/** Enough of an IncomingMessage for readBody: headers, events, complete/readableEnded. */
class FakeIncoming extends EventEmitter {
  complete = false
  readableEnded = false
  paused = false
  constructor(readonly headers: Record<string, string>) {
    super()
  }
  pause(): this {
    this.paused = true
    return this
  }
  send(chunk: Buffer): void {
    this.emit('data', chunk)
  }
  finish(): void {
    this.complete = true
    this.readableEnded = true
    this.emit('end')
  }
}

const incoming = (headers: Record<string, string>) =>
  new FakeIncoming(headers) as FakeIncoming & IncomingMessage

/** Splits `bytes` at the given cut points (sorted, deduplicated, inside the buffer). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const parts: Buffer[] = []
  let at = 0
  for (const p of [...points, bytes.length]) {
    if (p > at) parts.push(bytes.subarray(at, p))
    at = Math.max(at, p)
  }
  return parts
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('readBody', () => {
  test('a declared body is not allocated whole before an eighth of it has arrived', async () => {
    const alloc = vi.spyOn(Buffer, 'allocUnsafeSlow')
    const declared = 8 * 64 * 1024
    const req = incoming({ 'content-length': String(declared) })
    const body = readBody(req, 10 * declared)
    const data = randomBytes(declared)
    // a client declaring 512 KiB and sending less than 64 KiB makes the server hold only that
    req.send(data.subarray(0, 40_000))
    req.send(data.subarray(40_000, 64 * 1024 - 1))
    expect(alloc).not.toHaveBeenCalled()
    req.send(data.subarray(64 * 1024 - 1, 64 * 1024))
    expect(alloc).toHaveBeenCalledWith(declared)
    for (let at = 64 * 1024; at < declared; at += 50_000)
      req.send(data.subarray(at, Math.min(declared, at + 50_000)))
    expect(alloc).toHaveBeenCalledTimes(1)
    req.finish()
    const got = await body
    expect(got.equals(data)).toBe(true)
    // the whole ArrayBuffer is the body's own: arrayBuffer() hands it over without a copy
    expect(got.byteOffset).toBe(0)
    expect(got.buffer.byteLength).toBe(declared)
  })

  test('a body that arrives in one chunk is returned as that chunk (no copy)', async () => {
    const alloc = vi.spyOn(Buffer, 'allocUnsafeSlow')
    const req = incoming({ 'content-length': '5' })
    const body = readBody(req, 100)
    const chunk = Buffer.from('hello')
    req.send(chunk)
    req.finish()
    expect(await body).toBe(chunk)
    expect(alloc).not.toHaveBeenCalled()
  })

  test('any split of any body gives back exactly its bytes (declared or chunked)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 4096 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        async (data, cuts, declare) => {
          const bytes = Buffer.from(data)
          const req = incoming(declare ? { 'content-length': String(bytes.length) } : {})
          const body = readBody(req, 1 << 20)
          for (const part of split(bytes, cuts)) req.send(part)
          req.finish()
          expect((await body).equals(bytes)).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })

  test('passing the limit rejects with a 413, pauses the socket and marks it oversized', async () => {
    const req = incoming({})
    const body = readBody(req, 10)
    req.send(Buffer.alloc(6))
    req.send(Buffer.alloc(6))
    await expect(body).rejects.toMatchObject({ status: 413 })
    expect(req.paused).toBe(true)
    expect(oversized.has(req)).toBe(true)
  })

  test('a declared length over the limit is never allocated; the read fails at the limit', async () => {
    const alloc = vi.spyOn(Buffer, 'allocUnsafeSlow')
    const req = incoming({ 'content-length': String(1 << 30) })
    const body = readBody(req, 1000)
    req.send(Buffer.alloc(600))
    req.send(Buffer.alloc(600))
    await expect(body).rejects.toMatchObject({ status: 413 })
    expect(alloc).not.toHaveBeenCalled()
  })

  test('a client that goes away mid-body rejects the read, whether committed or not', async () => {
    for (const sent of [10, 900]) {
      const req = incoming({ 'content-length': '1000' })
      const body = readBody(req, 5000)
      req.send(Buffer.alloc(sent))
      req.emit('close')
      await expect(body, `${sent} bytes sent`).rejects.toThrow(/closed the request/)
      expect(req.listenerCount('data')).toBe(0)
    }
  })

  test('more bytes than declared (which Node never delivers) fail instead of overrunning', async () => {
    const req = incoming({ 'content-length': '16' })
    const body = readBody(req, 100)
    req.send(Buffer.alloc(4))
    req.send(Buffer.alloc(20))
    await expect(body).rejects.toThrow(/longer than declared/)
  })
})

describe('request bodies through a real server', () => {
  let server: PasteServer
  beforeAll(async () => {
    server = await serve(
      async (request) => {
        const bytes = new Uint8Array(await request.arrayBuffer())
        return new Response(`${bytes.length} ${createHash('sha256').update(bytes).digest('hex')}`)
      },
      { port: 0, logger: silentLogger, maxBodyBytes: 8 << 20 },
    )
  })
  afterAll(() => server.close())

  const digest = (bytes: Buffer) =>
    `${bytes.length} ${createHash('sha256').update(bytes).digest('hex')}`

  test('a 3 MiB upload arrives intact (fetch)', async () => {
    const data = randomBytes(3 << 20)
    const response = await fetch(server.url, { method: 'POST', body: data })
    expect(await response.text()).toBe(digest(data))
  })

  test('a declared body sent slowly in pieces arrives intact', async () => {
    const data = randomBytes(300_000)
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1')
      let text = ''
      socket.on('data', (chunk) => (text += chunk.toString('latin1')))
      socket.on('end', () => resolve(text))
      socket.on('error', reject)
      socket.on('connect', async () => {
        socket.write(
          `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${data.length}\r\nConnection: close\r\n\r\n`,
        )
        for (let at = 0; at < data.length; at += 30_000) {
          socket.write(data.subarray(at, at + 30_000))
          await new Promise((r) => setTimeout(r, 5))
        }
      })
    })
    expect(reply.slice(reply.indexOf('\r\n\r\n') + 4)).toBe(digest(data))
  })

  test('a chunked upload arrives intact', async () => {
    const data = randomBytes(200_000)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < data.length; at += 16_384)
          controller.enqueue(data.subarray(at, at + 16_384))
        controller.close()
      },
    })
    const response = await fetch(server.url, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(await response.text()).toBe(digest(data))
  })
})
