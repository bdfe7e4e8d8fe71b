/*
 * Response bodies as standard ReadableStreams. A file is opened lazily on the first read, its
 * identity checked against the metadata the headers were built from, and closed when the
 * body ends, fails or is cancelled (client gone). A file that shrank or changed makes the
 * stream fail, so the server aborts the connection instead of sending a body shorter than
 * its Content-Length (or bytes that do not match the ETag).
 */
import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import type { FileMeta } from './meta.js'

/** A piece of a body: literal bytes, or a byte range `[start, end)` of the file. */
export type Segment = Uint8Array | { readonly start: number; readonly end: number }

/** Read size for file chunks. */
const CHUNK = 64 * 1024

/** Thrown into the stream when the file no longer matches its headers. */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError'
}

/**
 * A stream of segments. File segments read `file` (when given); the handle is opened on the
 * first read and closed on end, error, cancel or `signal` abort.
 *
 * @example
 * segmentStream([{ start: 0, end: 10 }], meta, signal, onChanged)
 */
export function segmentStream(
  segments: readonly Segment[],
  file: FileMeta | undefined,
  signal: AbortSignal | undefined,
  onChanged: () => void,
): ReadableStream<Uint8Array> {
  let handle: FileHandle | undefined
  let closed = false
  let index = 0
  let offset = -1
  const close = async () => {
    if (closed) return
    closed = true
    signal?.removeEventListener('abort', abort)
    const h = handle
    handle = undefined
    await h?.close().catch(() => {})
  }
  const abort = () => void close()
  signal?.addEventListener('abort', abort, { once: true })
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const chunk = await next()
          if (chunk === undefined) {
            await close()
            controller.close()
          } else controller.enqueue(chunk)
        } catch (error) {
          await close()
          controller.error(error)
        }
      },
      cancel: close,
    },
    { highWaterMark: 0 },
  )

  async function next(): Promise<Uint8Array | undefined> {
    if (closed) throw new Error('body closed: the client went away')
    const segment = segments[index]
    if (segment === undefined) return undefined
    if (segment instanceof Uint8Array) {
      index++
      return segment
    }
    if (offset < 0) offset = segment.start
    const length = Math.min(CHUNK, segment.end - offset)
    const chunk = await readAt(offset, length)
    offset += length
    if (offset >= segment.end) {
      index++
      offset = -1
    }
    return chunk
  }

  async function readAt(position: number, length: number): Promise<Uint8Array> {
    if (file === undefined) throw new TypeError('file segment without a file')
    if (file.bytes) return file.bytes.subarray(position, position + length)
    if (handle === undefined) {
      handle = await open(file.path, 'r')
      const info = await handle.stat()
      if (info.size !== file.size || info.mtimeMs !== file.mtimeMs || info.ino !== file.ino) {
        onChanged()
        throw new FileChangedError('file changed since its headers were sent')
      }
    }
    const buffer = new Uint8Array(length)
    let filled = 0
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled)
      if (bytesRead === 0) {
        onChanged()
        throw new FileChangedError('file shrank while it was being sent')
      }
      filled += bytesRead
    }
    return buffer
  }
}
