/*
 * Finding out, without waiting on a live stream, whether a body is already complete. A body
 * built from a string or bytes arrives in one chunk and closes at once; a generated stream
 * does not. Chunks are taken while each read settles before the next macrotask, up to a
 * bound; whatever is left stays with the pending read for the streaming path.
 */
import type { Started } from './stream.js'

/** A body read in full, or one that must be streamed. */
export type Peeked =
  | { readonly complete: true; readonly bytes: Uint8Array }
  | ({ readonly complete: false } & Started)

const TICK = Symbol('tick')
const nextTick = () => new Promise<typeof TICK>((resolve) => setImmediate(resolve, TICK))

/**
 * Reads what a body has ready. `limit` caps what is gathered before streaming starts;
 * `wait` false stops after the first chunk (Server-Sent Events must not be held back).
 *
 * @example
 * const peeked = await peekBody(response.body, 1 << 20, true)
 */
export async function peekBody(
  body: ReadableStream<Uint8Array>,
  limit: number,
  wait: boolean,
): Promise<Peeked> {
  const reader = body.getReader()
  const taken: Uint8Array[] = []
  let size = 0
  let read = reader.read()
  for (;;) {
    const settled = taken.length === 0 ? await read : await Promise.race([read, nextTick()])
    if (settled === TICK) return { complete: false, reader, taken, pending: read }
    if (settled.done) return { complete: true, bytes: concat(taken, size) }
    taken.push(settled.value)
    size += settled.value.length
    if (!wait || size > limit) return { complete: false, reader, taken, pending: undefined }
    read = reader.read()
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}
