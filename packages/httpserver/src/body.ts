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

/**
 * Bytes of a declared body that must arrive before the whole Content-Length is allocated:
 * a client has to send an eighth of what it declares to make the server hold the rest.
 */
const COMMIT_FRACTION = 8

/**
 * Reads the whole body into one Buffer, rejecting with a 413 once `limit` bytes pass.
 *
 * A body with a Content-Length is copied into one buffer of that size as it arrives, once
 * an eighth of it is in: the socket's chunks then die young instead of being kept until a
 * final concat (kept chunks outlive scavenges, and their memory is only reclaimed by full
 * collections: a 10 MB upload cost ~15% more CPU that way). Until then, and for chunked
 * bodies, the chunks are collected and joined at the end.
 */
export function readBody(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(incoming.headers['content-length'])
    // (a declared length over the limit is refused before any read; never allocated here)
    const commitAt =
      declared > 0 && declared <= limit
        ? Math.ceil(declared / COMMIT_FRACTION)
        : Number.POSITIVE_INFINITY
    let chunks: Buffer[] | undefined = []
    let whole: Buffer | undefined
    let size = 0
    const cleanup = () => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
      incoming.off('close', onClose)
    }
    const onData = (chunk: Buffer) => {
      const next = size + chunk.length
      if (next > limit) {
        cleanup()
        reject(overflow(incoming, limit))
        return
      }
      if (whole !== undefined) {
        // Node's parser never delivers more than Content-Length; refuse rather than overrun
        if (next > whole.length) return onError(new Error('request body longer than declared'))
        chunk.copy(whole, size)
      } else {
        chunks!.push(chunk)
        // enough of a declared body is here, and more is coming: hold it in one buffer
        if (next >= commitAt && next < declared) {
          // not from the shared pool: arrayBuffer() can hand over its whole ArrayBuffer
          whole = Buffer.allocUnsafeSlow(declared)
          let at = 0
          for (const c of chunks!) at += c.copy(whole, at)
          chunks = undefined
        }
      }
      size = next
    }
    const onEnd = () => {
      cleanup()
      if (whole !== undefined) resolve(size === whole.length ? whole : whole.subarray(0, size))
      else resolve(chunks!.length === 1 ? chunks![0]! : Buffer.concat(chunks!, size))
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
