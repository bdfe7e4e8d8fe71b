import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createContext } from '@paste/core'
import { afterAll, describe, expect, test } from 'vitest'
import { FileRangeReadable } from './fast.js'
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
