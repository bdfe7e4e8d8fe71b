/*
 * The request body to the script's stdin, with backpressure: the next chunk is read only
 * after the pipe drained. At most CONTENT_LENGTH bytes are written (RFC 3875 4.2: the
 * script reads no more than that).
 */
import type { Writable } from 'node:stream'

/**
 * Reads a body of unknown length whole, up to `max` bytes (`null` past it).
 *
 * @example
 * const body = await readBounded(request.body, 1024)
 */
export async function readBounded(
  body: ReadableStream<Uint8Array>,
  max: number,
): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of body) {
    total += chunk.byteLength
    if (total > max) return null
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, total)
}

// Resolves true on 'drain', false when the pipe closed first; removes both listeners.
function drained(stream: Writable): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (ok: boolean) => () => {
      stream.off('drain', onDrain)
      stream.off('close', onClose)
      resolve(ok)
    }
    const onDrain = settle(true)
    const onClose = settle(false)
    stream.on('drain', onDrain)
    stream.on('close', onClose)
  })
}

/**
 * Writes `body` (at most `length` bytes of it) to `stdin`, then closes it. Stops quietly
 * when the script stops reading (it exited or closed stdin) or the request body fails.
 */
export async function feedStdin(
  stdin: Writable,
  body: ReadableStream<Uint8Array> | Uint8Array | null,
  length: number,
): Promise<void> {
  if (body === null || body instanceof Uint8Array) {
    if (body !== null && body.byteLength > 0) stdin.write(body)
    stdin.end()
    return
  }
  const reader = body.getReader()
  let written = 0
  try {
    while (written < length) {
      const { done, value } = await reader.read()
      if (done) break
      const part = written + value.byteLength > length ? value.subarray(0, length - written) : value
      written += part.byteLength
      if (stdin.destroyed || stdin.writableEnded) return
      if (!stdin.write(part) && !(await drained(stdin))) return
    }
  } catch {
    // The request body failed (the client went away mid-upload): the script sees EOF.
  } finally {
    stdin.end()
    reader.cancel().catch(() => {})
  }
}
