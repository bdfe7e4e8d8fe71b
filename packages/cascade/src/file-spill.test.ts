import { createHash } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { App } from '@paste/core'
import { createContext } from '@paste/core'
import { startServer } from '@paste-tooling/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fileSpill } from './file-spill.js'
import { cascade } from './index.js'
import type { SpillStore } from './spill.js'

const CHUNK = 64 * 1024

/** Deterministic pseudo-random chunk `i` (xorshift32), so the body need not be kept. */
function chunkAt(i: number): Uint8Array {
  const out = new Uint8Array(CHUNK)
  const words = new Uint32Array(out.buffer)
  let x = (i + 1) * 2654435761
  for (let k = 0; k < words.length; k++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    words[k] = x >>> 0
  }
  return out
}

function bodyOf(bytes: number): ReadableStream<Uint8Array> {
  let i = 0
  const chunks = Math.ceil(bytes / CHUNK)
  return new ReadableStream({
    pull(controller) {
      if (i === chunks) return controller.close()
      const chunk = chunkAt(i++)
      controller.enqueue(i === chunks && bytes % CHUNK ? chunk.subarray(0, bytes % CHUNK) : chunk)
    },
  })
}

function expectedHash(bytes: number): string {
  const hash = createHash('sha256')
  const chunks = Math.ceil(bytes / CHUNK)
  for (let i = 0; i < chunks; i++) {
    const chunk = chunkAt(i)
    hash.update(i === chunks - 1 && bytes % CHUNK ? chunk.subarray(0, bytes % CHUNK) : chunk)
  }
  return hash.digest('hex')
}

/** Reads the body as a stream, hashing it and sampling memory; records what it saw. */
function hasher(
  name: string,
  status: number,
  seen: Map<string, string>,
  peak: { bytes: number },
): App {
  return async (request) => {
    const hash = createHash('sha256')
    let n = 0
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk)
      if (++n % 64 === 0) {
        ;(globalThis as { gc?: () => void }).gc?.()
        const m = process.memoryUsage()
        peak.bytes = Math.max(peak.bytes, m.heapUsed + m.arrayBuffers)
      }
    }
    const digest = hash.digest('hex')
    seen.set(name, digest)
    return new Response(digest, { status })
  }
}

let directory: string
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'cascade-test-'))
})
afterAll(() => rm(directory, { recursive: true, force: true }))

const MB100 = 100 * 1024 * 1024

const readAll404: App = async (request) => {
  await request.arrayBuffer()
  return new Response(null, { status: 404 })
}

/** Posts through node:http with backpressure (undici's fetch buffers a streamed upload). */
function postStream(url: string, body: ReadableStream<Uint8Array>): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST' }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        text += d
      })
      res.on('end', () => resolve([res.statusCode ?? 0, text]))
    })
    req.on('error', reject)
    pipeline(Readable.fromWeb(body as never), req).catch(reject)
  })
}

describe('a 100 MB POST: every app sees identical bytes, memory stays bounded, no file is left', () => {
  const seen = new Map<string, string>()
  const peak = { bytes: 0 }
  const make = () =>
    cascade(
      [hasher('a', 404, seen, peak), hasher('b', 404, seen, peak), hasher('c', 200, seen, peak)],
      { spill: fileSpill({ directory }), maxBodyBytes: 200 * 1024 * 1024 },
    )
  const expected = expectedHash(MB100)

  async function check(send: () => Promise<[number, string]>) {
    seen.clear()
    const before = process.memoryUsage()
    peak.bytes = before.heapUsed + before.arrayBuffers
    const [status, text] = await send()
    expect(status).toBe(200)
    expect(text).toBe(expected)
    expect([...seen.values()]).toEqual([expected, expected, expected])
    // the body is 100 MB; what stays in memory is the 64 KiB head and chunks in flight
    expect(peak.bytes - (before.heapUsed + before.arrayBuffers)).toBeLessThan(48 * 1024 * 1024)
    expect(await readdir(directory)).toEqual([])
  }

  test('in process', async () => {
    const app = make()
    await check(async () => {
      const request = new Request('http://localhost/upload', {
        method: 'POST',
        body: bodyOf(MB100),
        duplex: 'half',
      } as RequestInit)
      const response = await app(request, createContext(request))
      return [response.status, await response.text()]
    })
  }, 120_000)

  test('through a loopback server', async () => {
    const server = await startServer(make())
    try {
      await check(() => postStream(`${server.url}/upload`, bodyOf(MB100)))
    } finally {
      await server.close()
    }
  }, 120_000)
})

test('the spill is closed when the response body ends or is cancelled', async () => {
  const closed: string[] = []
  let opened = 0
  const inner = fileSpill({ directory })
  const store: SpillStore = {
    async create() {
      const file = await inner.create()
      const id = `spill${++opened}`
      return {
        ...file,
        close: async () => {
          closed.push(id)
          await file.close()
        },
      }
    },
  }
  const app = cascade([readAll404, async (r) => new Response(r.body)], {
    spill: store,
    memoryBytes: 10,
  })
  const request = () => new Request('http://localhost/', { method: 'POST', body: 'x'.repeat(5000) })
  let r = request()
  const echoed = await app(r, createContext(r))
  expect(closed).toEqual([])
  expect(await echoed.text()).toBe('x'.repeat(5000))
  expect(closed).toEqual(['spill1'])
  r = request()
  const cancelled = await app(r, createContext(r))
  await cancelled.body!.cancel()
  expect(closed).toEqual(['spill1', 'spill2'])
})

test('a failing spill store fails the request, not the process', async () => {
  const broken: SpillStore = {
    async create() {
      throw new Error('disk full')
    },
  }
  const app = cascade([readAll404, () => new Response('x')], { spill: broken, memoryBytes: 1 })
  const r = new Request('http://localhost/', { method: 'POST', body: 'abc' })
  await expect(app(r, createContext(r))).rejects.toThrow('disk full')
})
