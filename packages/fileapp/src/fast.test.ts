import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createContext } from '@paste/core'
import { afterAll, describe, expect, test } from 'vitest'
import { allClosed, openHandles } from '../test/handles.js'
import { FileRangeReadable, FileRangeSource } from './fast.js'
import { fileApp, fileSource } from './index.js'

const dir = mkdtempSync(join(tmpdir(), 'paste-fast-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function sourceOf(path: string, start: number, end: number) {
  const s = statSync(path)
  return { path, start, end, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino }
}

async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

describe('the @paste/httpserver sendFile hook (Node Readable, no Web streams)', () => {
  test('a response offers a lazily made Readable of exactly its range', async () => {
    const path = join(dir, 'range.bin')
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251))
    writeFileSync(path, data)
    const request = new Request('http://localhost/', { headers: { range: 'bytes=1000-200999' } })
    const res = await fileApp(path, { inlineBytes: 0 })(request, createContext(request))
    expect(fileSource(res)).toMatchObject({ start: 1000, end: 201000 })
    const hook = (res as unknown as Record<symbol, { stream: NodeJS.ReadableStream } | undefined>)[
      Symbol.for('@paste/httpserver.sendFile')
    ]
    expect(hook).toBe(
      (res as unknown as Record<symbol, unknown>)[Symbol.for('@paste/httpserver.sendFile')],
    )
    expect((await drain(hook!.stream)).equals(data.subarray(1000, 201000))).toBe(true)
    await res.body?.cancel()
  })
  test('a file that shrank fails the stream', async () => {
    const path = join(dir, 'shrink.bin')
    writeFileSync(path, Buffer.alloc(4_000_000, 1))
    const stream = new FileRangeReadable(sourceOf(path, 0, 4_000_000), () => {})
    const first = await new Promise<Buffer>((r) => stream.once('data', r))
    expect(first.length).toBeGreaterThan(0)
    truncateSync(path, 10)
    await expect(drain(stream)).rejects.toThrow(/shrank/)
  })
  test('a file replaced after the headers were built is refused', async () => {
    const path = join(dir, 'replaced.bin')
    writeFileSync(path, Buffer.alloc(1000, 1))
    const source = sourceOf(path, 0, 1000)
    writeFileSync(path, Buffer.alloc(1000, 2))
    let changed = 0
    await expect(
      drain(new FileRangeReadable({ ...source, mtimeMs: source.mtimeMs - 1000 }, () => changed++)),
    ).rejects.toThrow(/changed/)
    expect(changed).toBe(1)
  })
})

/** Reads a FileRangeSource to its end with one reused buffer (what the server does). */
function readAll(source: FileRangeSource, size: number): Promise<Buffer> {
  const buffer = Buffer.alloc(size)
  const out: Buffer[] = []
  let left = source.length
  return new Promise((resolve, reject) => {
    const next = () => {
      if (left === 0) return resolve(Buffer.concat(out))
      const target = buffer.subarray(0, Math.min(size, left))
      source.read(target, (error, n) => {
        if (error) return reject(error)
        if (n === 0) return reject(new Error('ended early'))
        out.push(Buffer.from(target.subarray(0, n))) // copy: the buffer is reused
        left -= n
        next()
      })
    }
    next()
  })
}

describe("the hook's `source` form (reads into the server's reused buffers)", () => {
  test('reads exactly its range, in order, into a buffer the caller reuses', async () => {
    const path = join(dir, 'source.bin')
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 253))
    writeFileSync(path, data)
    const source = new FileRangeSource(sourceOf(path, 1234, 250_000), () => {})
    expect(source.length).toBe(250_000 - 1234)
    expect((await readAll(source, 64 * 1024)).equals(data.subarray(1234, 250_000))).toBe(true)
    source.close()
    await allClosed(path)
  })
  test('the response from fileApp offers it lazily, beside `stream`', async () => {
    const path = join(dir, 'lazy-source.bin')
    writeFileSync(path, Buffer.alloc(200_000, 5))
    const request = new Request('http://localhost/')
    const res = await fileApp(path, { inlineBytes: 0 })(request, createContext(request))
    const hook = (res as unknown as Record<symbol, { source: FileRangeSource }>)[
      Symbol.for('@paste/httpserver.sendFile')
    ]!
    expect(openHandles(path)).toBe(0) // nothing opened until read
    expect(hook.source).toBe(hook.source)
    expect((await readAll(hook.source, 65_536)).equals(Buffer.alloc(200_000, 5))).toBe(true)
    hook.source.close()
    await res.body?.cancel()
  })
  test('a file that shrank fails the read and reports the change', async () => {
    const path = join(dir, 'source-shrink.bin')
    writeFileSync(path, Buffer.alloc(1_000_000, 1))
    let changed = 0
    const source = new FileRangeSource(sourceOf(path, 0, 1_000_000), () => changed++)
    const buffer = Buffer.alloc(256 * 1024)
    await new Promise<void>((resolve, reject) =>
      source.read(buffer, (e, n) => (e ? reject(e) : n > 0 ? resolve() : reject(new Error('0')))),
    )
    truncateSync(path, 10)
    await expect(readAll(source, 256 * 1024)).rejects.toThrow(/shrank/)
    expect(changed).toBe(1)
    source.close()
  })
  test('a file replaced after the headers were built is refused before any byte is read', async () => {
    const path = join(dir, 'source-replaced.bin')
    writeFileSync(path, Buffer.alloc(1000, 1))
    const meta = sourceOf(path, 0, 1000)
    const source = new FileRangeSource({ ...meta, mtimeMs: meta.mtimeMs - 1000 }, () => {})
    await expect(readAll(source, 4096)).rejects.toThrow(/changed/)
    source.close()
    await allClosed(path)
  })
  test('closed while its file is opening: the descriptor is released, the read fails', async () => {
    const path = join(dir, 'source-close.bin')
    writeFileSync(path, Buffer.alloc(1000, 1))
    const source = new FileRangeSource(sourceOf(path, 0, 1000), () => {})
    const pending = readAll(source, 4096)
    source.close()
    await expect(pending).rejects.toThrow(/closed/)
    await allClosed(path)
  })
})
