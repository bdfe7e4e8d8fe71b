/*
 * Writing a Response to Node's ServerResponse. A FastResponse with a string/bytes/null
 * body is written in one synchronous writeHead + end; a file hook is piped from disk;
 * anything else streams its Web body with backpressure. Node validates every header name
 * and value (no CR/LF: no response splitting); an invalid one becomes a plain 500.
 */
import { createReadStream } from 'node:fs'
import type { ServerResponse } from 'node:http'
import type { Readable } from 'node:stream'
import type { Logger } from '@paste/core'
import { type FastResponseImpl, isFastResponse, kBody, kHeaders, kInit, kList } from './response.js'

/**
 * Put this key on a Response to have the server send a file (or a Node stream) instead of
 * reading the Response's Web body, which is cancelled unread. Other runtimes ignore it and
 * read the body, so set both. `end` is inclusive, as in `fs.createReadStream`.
 *
 * @example
 * const response = new Response(webStreamOfTheFile, { headers })
 * Object.defineProperty(response, SEND_FILE, { value: { path, start: 0, end: size - 1 } })
 */
export const SEND_FILE: unique symbol = Symbol.for('@paste/httpserver.sendFile') as never

/**
 * A positioned source (a file range) that the server reads into its own reusable buffers:
 * no allocation per chunk, so a large download does not churn memory (and the garbage
 * collector). `read` fills `buffer` with the next bytes and calls `done` once; `close`
 * is called exactly once, after the last read or when the client goes away.
 */
export interface SendSource {
  /** How many bytes will be read (the body's Content-Length). */
  readonly length: number
  /**
   * Reads the next `buffer.length` bytes (fewer only at the end) into `buffer`. An error, or
   * 0 bytes before `length` bytes were read (the file shrank), aborts the connection.
   */
  read(buffer: Uint8Array, done: (error: Error | null, bytesRead: number) => void): void
  /** Releases the source. */
  close(): void
}

/** What a Response may carry under {@link SEND_FILE}. */
export type SendFile =
  | { path: string; start?: number; end?: number }
  | { stream: Readable }
  | { source: SendSource }

/**
 * What was written of a response's body, kept only when someone asked to hear when the
 * response is sent (`request[ON_SENT]`): counting costs nothing otherwise.
 */
export interface SentBytes {
  bytes: number
  /** The body failed while being sent (the connection was cut). */
  error: boolean
}

const TEXT_PLAIN = 'text/plain;charset=UTF-8'

function plainError(res: ServerResponse): void {
  res.writeHead(500, 'Internal Server Error', [
    'content-type',
    'text/plain; charset=utf-8',
    'content-length',
    '22',
    'connection',
    'close',
  ])
  res.end('Internal Server Error\n')
}

/** Header pairs from a Headers object (forEach yields each Set-Cookie separately). */
function headerList(headers: Headers, out: string[]): void {
  headers.forEach((value, name) => {
    out.push(name, value)
  })
}

const HAS_TYPE = 1
const HAS_LENGTH = 2

function flag(name: string): number {
  if (name.length === 12 && name.toLowerCase() === 'content-type') return HAS_TYPE
  if (name.length === 14 && name.toLowerCase() === 'content-length') return HAS_LENGTH
  return 0
}

/**
 * Header pairs from a FastResponse's init, without building a Headers object. Returns
 * which of Content-Type / Content-Length were given (bit flags).
 */
function fastHeaderList(response: FastResponseImpl, out: string[]): number {
  let found = 0
  const list = response[kHeaders] === undefined ? response[kList] : undefined
  if (list !== undefined) {
    for (let i = 0; i < list.length; i += 2) {
      found |= flag(list[i]!)
      out.push(list[i]!, list[i + 1]!)
    }
    return found
  }
  const init = response[kHeaders] ?? response[kInit]?.headers
  if (init === undefined) return 0
  if (init instanceof Headers) {
    headerList(init, out)
    return (init.has('content-type') ? HAS_TYPE : 0) | (init.has('content-length') ? HAS_LENGTH : 0)
  }
  if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
    // sequence<sequence<ByteString>> (Fetch standard, HeadersInit): pairs only
    for (const pair of init as Iterable<string[]>) {
      if (pair.length !== 2) throw new TypeError('Headers: a header pair must have two items')
      found |= flag(pair[0]!)
      out.push(pair[0]!, String(pair[1]))
    }
    return found
  }
  // record<ByteString, ByteString>: own enumerable properties
  const record = init as Record<string, string>
  for (const name in record) {
    if (!Object.hasOwn(record, name)) continue
    found |= flag(name)
    out.push(name, String(record[name]))
  }
  return found
}

/** Writes a FastResponse (a plain 500 instead if its headers are invalid). */
function writeFast(
  res: ServerResponse,
  response: FastResponseImpl,
  head: boolean,
  close: boolean,
  logger: Logger,
  sent: SentBytes | undefined,
): void {
  let body = response[kBody]
  if (body instanceof ArrayBuffer) body = new Uint8Array(body)
  const headers: string[] = []
  try {
    const found = fastHeaderList(response, headers)
    if (typeof body === 'string' && (found & HAS_TYPE) === 0)
      headers.push('content-type', TEXT_PLAIN)
    if (body != null && (found & HAS_LENGTH) === 0)
      headers.push(
        'content-length',
        String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength),
      )
    if (close) headers.push('connection', 'close')
    res.writeHead(response[kInit]?.status ?? 200, headers)
  } catch (error) {
    logger.error('@paste/httpserver: invalid response header', { error })
    plainError(res)
    return
  }
  if (head || body == null) res.end()
  else {
    if (sent) sent.bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
    res.end(body)
  }
}

/**
 * Writes any Response. Returns a promise only when the body streams; the synchronous
 * path stays synchronous.
 */
export function writeResponse(
  res: ServerResponse,
  response: Response,
  head: boolean,
  close: boolean,
  logger: Logger,
  sent?: SentBytes,
): void | Promise<void> {
  if (
    isFastResponse(response) &&
    (response as unknown as Record<symbol, unknown>)[SEND_FILE] === undefined
  )
    return writeFast(res, response, head, close, logger, sent)
  const headers: string[] = []
  try {
    headerList(response.headers, headers)
    if (close) headers.push('connection', 'close')
    res.writeHead(response.status, response.statusText || undefined, headers)
  } catch (error) {
    logger.error('@paste/httpserver: invalid response header', { error })
    cancel(response)
    plainError(res)
    return
  }
  const file = (response as unknown as Record<symbol, SendFile | undefined>)[SEND_FILE]
  if (file !== undefined && !head) {
    cancel(response)
    return 'source' in file
      ? sendSource(res, file.source, logger, sent)
      : sendFile(res, file, logger, sent)
  }
  const body = response.body
  if (body === null || head) {
    cancel(response)
    res.end()
    return
  }
  return pump(res, body, logger, sent)
}

function cancel(response: Response): void {
  if (isFastResponse(response)) return
  const body = response.body
  if (body !== null && !body.locked) body.cancel().catch(() => {})
}

function sendFile(
  res: ServerResponse,
  file: Exclude<SendFile, { source: SendSource }>,
  logger: Logger,
  sent: SentBytes | undefined,
): Promise<void> {
  const stream =
    'stream' in file
      ? file.stream
      : createReadStream(file.path, {
          // 256 KiB reads: a quarter of the syscalls and writes of the 64 KiB default
          highWaterMark: 256 * 1024,
          ...(file.start === undefined ? {} : { start: file.start }),
          ...(file.end === undefined ? {} : { end: file.end }),
        })
  return new Promise((resolve) => {
    stream.once('error', (error: unknown) => {
      // Headers are out: the only honest signal left is to abort the connection.
      logger.error('@paste/httpserver: error while sending a file', { error })
      if (sent) sent.error = true
      res.destroy()
      resolve()
    })
    if (sent) stream.on('data', (chunk: Uint8Array) => void (sent.bytes += chunk.byteLength))
    let flowing = false
    stream.once('data', () => (flowing = true))
    res.once('close', () => {
      resolve()
      if (stream.readableEnded || stream.destroyed) return
      // The client went away: release the file. A stream still opening its file is let
      // reach its first chunk first (some sources cannot be destroyed mid-open).
      if (flowing) stream.destroy()
      else {
        stream.unpipe(res)
        stream.once('data', () => stream.destroy())
        stream.resume()
      }
    })
    stream.pipe(res)
  })
}

// Buffers for SendSource reads, reused once the socket is done with them (the write
// callback): a 1 MB download then allocates nothing, where a fresh 256 KiB Buffer per read
// drove a full (mark-compact) collection every ~30 ms under load.
const SOURCE_CHUNK = 256 * 1024
const POOL_LIMIT = 64 // 16 MiB kept at most
const pool: Buffer[] = []

function takeBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(SOURCE_CHUNK)
}

function giveBuffer(buffer: Buffer): void {
  if (pool.length < POOL_LIMIT) pool.push(buffer)
}

/** Sends a SendSource: read into a pooled buffer, write, reuse the buffer when written. */
function sendSource(
  res: ServerResponse,
  source: SendSource,
  logger: Logger,
  sent: SentBytes | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    let remaining = source.length
    let released = false
    const release = () => {
      if (released) return
      released = true
      try {
        source.close()
      } catch (error) {
        logger.error('@paste/httpserver: error while closing a file source', { error })
      }
    }
    const fail = (error: unknown) => {
      // Headers are out: the only honest signal left is to abort the connection.
      logger.error('@paste/httpserver: error while sending a file', { error })
      if (sent) sent.error = true
      release()
      res.destroy()
    }
    res.once('close', () => {
      release()
      resolve()
    })
    const step = (): void => {
      if (res.destroyed) {
        release()
        return
      }
      if (remaining <= 0) {
        release()
        res.end()
        return
      }
      const buffer = takeBuffer()
      const target = remaining < buffer.length ? buffer.subarray(0, remaining) : buffer
      let called = false
      const done = (error: Error | null, bytesRead: number): void => {
        if (called) return
        called = true
        if (error || res.destroyed || !(bytesRead > 0) || bytesRead > target.length) {
          giveBuffer(buffer)
          if (res.destroyed) release()
          else fail(error ?? new Error('the file source ended before its length'))
          return
        }
        remaining -= bytesRead
        if (sent) sent.bytes += bytesRead
        const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead)
        // the socket holds `buffer` until this callback: only then may it be reused
        const more = res.write(chunk, (writeError) => {
          if (!writeError) giveBuffer(buffer)
        })
        if (more) step()
        else res.once('drain', step)
      }
      try {
        source.read(target, done)
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)), 0)
      }
    }
    step()
  })
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

async function pump(
  res: ServerResponse,
  body: ReadableStream<Uint8Array>,
  logger: Logger,
  sent: SentBytes | undefined,
): Promise<void> {
  const reader = body.getReader()
  // The client went away: cancel the body at once so its source stops producing.
  const onClose = () => {
    if (!res.writableFinished) reader.cancel().catch(() => {})
  }
  res.once('close', onClose)
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (res.destroyed) return
      if (sent) sent.bytes += value.byteLength
      if (!res.write(value)) await drained(res)
    }
    res.end()
  } catch (error) {
    // Headers were sent: abort the connection so the client sees a truncated response.
    logger.error('@paste/httpserver: error while streaming the response body', { error })
    if (sent) sent.error = true
    res.destroy()
    reader.cancel().catch(() => {})
  } finally {
    res.off('close', onClose)
  }
}
