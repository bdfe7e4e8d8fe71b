/*
 * Request bodies: read whole (with a byte limit, never buffering past it) or as a Web
 * stream with backpressure (the socket is paused while the consumer is behind).
 */
import type { IncomingMessage } from 'node:http'
import { HTTP_ERROR, type HttpErrorLike } from '@paste/core'

/** Requests whose body went over the limit: their connection is closed after the 413. */
export const oversized: WeakSet<IncomingMessage> = new WeakSet()

/** The branded 413 a body read throws when the limit is passed (RFC 9110 section 15.5.14). */
export class PayloadTooLargeError extends Error implements HttpErrorLike {
  readonly [HTTP_ERROR] = true as const
  readonly status = 413
  readonly expose = true
  override readonly name = 'PayloadTooLargeError'

  constructor(limit: number) {
    super(`request body larger than ${limit} bytes`)
  }

  toResponse(): Response {
    return new Response('Payload Too Large\n', {
      status: 413,
      headers: { 'content-type': 'text/plain; charset=utf-8', connection: 'close' },
    })
  }
}

function overflow(incoming: IncomingMessage, limit: number): PayloadTooLargeError {
  oversized.add(incoming)
  incoming.pause()
  return new PayloadTooLargeError(limit)
}

/** Reads the whole body into one Buffer, rejecting with a 413 once `limit` bytes pass. */
export function readBody(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = () => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
      incoming.off('close', onClose)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        reject(overflow(incoming, limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      cleanup()
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))
    }
    const onError = (error: Error) => {
      cleanup()
      reject(error)
    }
    const onClose = () => {
      cleanup()
      if (!incoming.complete) reject(new Error('@paste/httpserver: client closed the request'))
    }
    if (incoming.readableEnded) return resolve(Buffer.alloc(0))
    incoming.on('data', onData)
    incoming.on('end', onEnd)
    incoming.on('error', onError)
    incoming.on('close', onClose)
  })
}

/** The body as a Web byte stream; the socket pauses while the reader is behind. */
export function webBody(incoming: IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  let size = 0
  let done = false
  let listeners: (() => void) | undefined
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const onData = (chunk: Buffer) => {
          size += chunk.length
          if (size > limit) return fail(overflow(incoming, limit))
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))
          if ((controller.desiredSize ?? 1) <= 0) incoming.pause()
        }
        const onEnd = () => {
          if (done) return
          done = true
          listeners?.()
          controller.close()
        }
        const fail = (error: unknown) => {
          if (done) return
          done = true
          listeners?.()
          controller.error(error)
        }
        const onError = (error: Error) => fail(error)
        const onClose = () => {
          if (!incoming.complete) fail(new Error('@paste/httpserver: client closed the request'))
        }
        listeners = () => {
          incoming.off('data', onData)
          incoming.off('end', onEnd)
          incoming.off('error', onError)
          incoming.off('close', onClose)
        }
        incoming.on('data', onData)
        incoming.on('end', onEnd)
        incoming.on('error', onError)
        incoming.on('close', onClose)
      },
      pull() {
        if (!done) incoming.resume()
      },
      cancel() {
        // The App gave up on the body: stop delivering it (Node discards the rest).
        done = true
        listeners?.()
        incoming.resume()
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk?.byteLength ?? 0 },
  )
}
