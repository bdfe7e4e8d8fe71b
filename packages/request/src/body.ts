import { RequestBodyError } from './error.js'

/**
 * Reads a body stream chunk by chunk, counting bytes as they arrive: once more than
 * `maxBytes` have come, the stream is cancelled and a 413 is thrown, so at most `maxBytes`
 * plus one chunk is ever held. A stream that fails (client gone) is a 400.
 */
export async function* limitedChunks(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = body.getReader()
  let total = 0
  let finished = false
  try {
    while (true) {
      let result: Awaited<ReturnType<typeof reader.read>>
      try {
        result = await reader.read()
      } catch (cause) {
        throw new RequestBodyError(400, 'the request body could not be read', { cause })
      }
      if (result.done) {
        finished = true
        return
      }
      total += result.value.byteLength
      if (total > maxBytes) throw new RequestBodyError(413, `the body exceeds ${maxBytes} bytes`)
      yield result.value
    }
  } finally {
    if (!finished) reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}

/** Concatenates chunks into one array. */
export function concat(chunks: readonly Uint8Array[], length?: number): Uint8Array {
  const size = length ?? chunks.reduce((n, c) => n + c.byteLength, 0)
  const out = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}

/** Finds `needle` in `haystack` from `from`; -1 when absent. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!
  const last = haystack.length - needle.length
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; ) {
    let j = 1
    while (j < needle.length && haystack[i + j] === needle[j]) j++
    if (j === needle.length) return i
    i = haystack.indexOf(first, i + 1)
  }
  return -1
}
