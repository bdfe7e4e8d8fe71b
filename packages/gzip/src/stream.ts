/*
 * Streaming compression of a Web ReadableStream through a node:zlib Transform, with
 * backpressure both ways (never more than zlib's buffer plus one chunk in flight), an
 * optional flush after every chunk (Server-Sent Events), and cleanup on every exit: when the
 * client goes away the compressor is destroyed and the source body cancelled.
 */
import type { Transform } from 'node:stream'

/** One read from a stream reader. */
export type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>

/** A body partly read already: chunks taken, and the read still in flight (if any). */
export interface Started {
  readonly reader: ReadableStreamDefaultReader<Uint8Array>
  readonly taken: readonly Uint8Array[]
  readonly pending: Promise<ReadResult> | undefined
}

/**
 * Compresses the rest of a started body.
 *
 * @example
 * compressStream(started, createGzip(), undefined, signal)
 */
export function compressStream(
  source: Started,
  compressor: Transform & { flush(kind: number, cb: () => void): void },
  flushKind: number | undefined,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const { reader } = source
  const queued = [...source.taken]
  let pending = source.pending
  let finished = false
  let ended: Promise<void> | undefined
  let stop: (reason?: unknown) => void = () => {}
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stop = (reason) => {
          if (finished) return
          finished = true
          signal?.removeEventListener('abort', onAbort)
          compressor.destroy()
          reader.cancel(reason).catch(() => {})
        }
        const onAbort = () => {
          stop(signal?.reason)
          try {
            controller.error(signal?.reason ?? new Error('client went away'))
          } catch {}
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        compressor.on('data', (chunk: Buffer) => controller.enqueue(chunk)) // a Buffer is a Uint8Array: no copy
        compressor.on('end', () => {
          finished = true
          signal?.removeEventListener('abort', onAbort)
          controller.close()
        })
        compressor.on('error', (error) => {
          stop(error)
          controller.error(error)
        })
      },
      async pull() {
        // input done: wait for the compressor to drain its output, without spinning
        if (ended) return ended
        // feed one chunk of input per pull; output arrives through 'data'
        const chunk = await nextChunk()
        if (finished) return
        if (chunk === undefined) {
          ended = new Promise<void>((r) => compressor.once('close', r))
          compressor.end()
          return ended
        }
        const more = compressor.write(chunk)
        if (flushKind !== undefined) await new Promise<void>((r) => compressor.flush(flushKind, r))
        else if (!more) await new Promise<void>((r) => compressor.once('drain', r))
      },
      cancel(reason) {
        stop(reason)
      },
    },
    { highWaterMark: 1 },
  )

  async function nextChunk(): Promise<Uint8Array | undefined> {
    const q = queued.shift()
    if (q !== undefined) return q
    let read: ReadResult
    try {
      read = await (pending ?? reader.read())
    } catch (error) {
      stop(error)
      throw error
    } finally {
      pending = undefined
    }
    return read.done ? undefined : read.value
  }
}
