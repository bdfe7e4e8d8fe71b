import { createContext } from '@paste/core'
import fc from 'fast-check'
import { expect, test } from 'vitest'
import { cascade } from './index.js'
import type { SpillStore } from './spill.js'

/** A spill store in memory, to exercise the spill path without a file system. */
const memorySpill: SpillStore = {
  async create() {
    let bytes = new Uint8Array(0)
    return {
      async write(chunk) {
        const next = new Uint8Array(bytes.length + chunk.length)
        next.set(bytes)
        next.set(chunk, bytes.length)
        bytes = next
      },
      async read(position, length) {
        return bytes.slice(position, position + length)
      },
      async close() {},
    }
  },
}

async function readSome(
  body: ReadableStream<Uint8Array> | null,
  chunks: number,
): Promise<number[]> {
  const out: number[] = []
  if (!body) return out
  const reader = body.getReader()
  for (let i = 0; i < chunks; i++) {
    const { value, done } = await reader.read()
    if (done) break
    out.push(...value)
  }
  return out
}

test('property: whatever earlier apps read, every app sees the same bytes from the start', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 12 }),
      fc.array(fc.integer({ min: 0, max: 14 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 0, max: 64 }),
      fc.boolean(),
      async (chunks, reads, memoryBytes, useSpill) => {
        const all = chunks.flatMap((c) => [...c])
        const seen: number[][] = []
        const apps = reads.map((n) => async (request: Request) => {
          seen.push(await readSome(request.body, n))
          return new Response(null, { status: 404 })
        })
        const final = async (request: Request) => new Response(await request.arrayBuffer())
        const options = useSpill ? { memoryBytes, spill: memorySpill } : { memoryBytes }
        const app = cascade([...apps, final], options)
        const queue = [...chunks]
        const body = new ReadableStream<Uint8Array>({
          pull: (c) => (queue.length ? c.enqueue(queue.shift()!) : c.close()),
        })
        const request = new Request('http://localhost/', {
          method: 'POST',
          body,
          duplex: 'half',
        } as RequestInit)
        const response = await app(request, createContext(request))
        expect([...new Uint8Array(await response.arrayBuffer())]).toEqual(all)
        seen.forEach((prefix) => {
          expect(prefix).toEqual(all.slice(0, prefix.length))
        })
      },
    ),
    { numRuns: 300 },
  )
})
