import { createHash } from 'node:crypto'
import { type App, isHttpError } from '@paste/core'
import { checkInteger, htmlResponse, textResponse } from './page.js'

/** How far a {@link slowConsumer} has read one body, after each step. */
export interface SlowProgress {
  /** Bytes consumed so far. */
  received: number
  /** The declared `Content-Length`, or `undefined` for a chunked body. */
  total: number | undefined
}

/** Options for {@link slowConsumer}. */
export interface SlowConsumerOptions {
  /** Bytes consumed per step. @default 4096 */
  chunkSize?: number
  /** Pause after each step, in milliseconds (Paste: one second). @default 1000 */
  delay?: number
  /** Largest body read: a larger declared one is refused with 413 unread, a longer stream is cut off with 413. @default 1048576 */
  maxBodyBytes?: number
  /** Called after each step (Paste printed "N of M remaining"). @default undefined (nothing) */
  onProgress?: ((progress: SlowProgress) => void) | undefined
}

const ALLOW = 'GET, HEAD, POST, PUT'
// RFC 9110 section 8.6: Content-Length = 1*DIGIT
const CONTENT_LENGTH = /^\d{1,15}$/

const FORM = `<!doctype html>
<html><head><title>Slow upload</title></head><body>
<h1>Slow upload</h1>
<form method="post" enctype="multipart/form-data">
<label>File <input type="file" name="file"></label>
<button type="submit">Upload</button>
</form>
</body></html>
`

type Outcome = { received: number; digest: string } | 'aborted' | 'too-large' | 'unreadable'

/** A promise that resolves when `signal` fires, and a way to stop listening. */
function whenAborted(signal: AbortSignal): { promise: Promise<'aborted'>; stop(): void } {
  let stop = () => {}
  const promise = new Promise<'aborted'>((resolve) => {
    const fire = () => resolve('aborted')
    signal.addEventListener('abort', fire, { once: true })
    stop = () => signal.removeEventListener('abort', fire)
  })
  return { promise, stop }
}

/** Waits `ms`, or less when the request is aborted first. */
function pause(ms: number, aborted: Promise<'aborted'>): Promise<unknown> {
  if (ms === 0) return Promise.resolve()
  let timer: ReturnType<typeof setTimeout> | undefined
  const slept = new Promise((resolve) => (timer = setTimeout(resolve, ms)))
  return Promise.race([slept, aborted]).finally(() => clearTimeout(timer))
}

interface Settings {
  chunkSize: number
  delay: number
  max: number
  onProgress: ((progress: SlowProgress) => void) | undefined
}

/** Reads `body` step by step, pausing after each `chunkSize` bytes, bounded and abortable. */
async function consume(
  body: ReadableStream<Uint8Array> | null,
  total: number | undefined,
  signal: AbortSignal,
  s: Settings,
): Promise<Outcome> {
  const hash = createHash('sha256')
  if (body === null) return { received: 0, digest: hash.digest('hex') }
  const reader = body.getReader()
  const abort = whenAborted(signal)
  let received = 0
  let consumed = 0
  const step = async (to: number) => {
    consumed = to
    s.onProgress?.({ received: consumed, total })
    await pause(s.delay, abort.promise)
  }
  /** The next chunk, or why there is none; the server's own 413 renders itself. */
  const next = () =>
    Promise.race([reader.read(), abort.promise]).catch((error: unknown) => {
      if (isHttpError(error)) throw error
      return signal.aborted ? ('aborted' as const) : ('unreadable' as const)
    })
  try {
    for (;;) {
      if (signal.aborted) return 'aborted'
      const chunk = await next()
      if (chunk === 'aborted' || chunk === 'unreadable') return chunk
      if (chunk.done) break
      received += chunk.value.byteLength
      if (received > s.max) return 'too-large'
      hash.update(chunk.value)
      // an error thrown by onProgress is the caller's bug: it propagates (a logged 500)
      while (received - consumed >= s.chunkSize && !signal.aborted)
        await step(consumed + s.chunkSize)
    }
    if (received > consumed && !signal.aborted) await step(received)
    return signal.aborted ? 'aborted' : { received, digest: hash.digest('hex') }
  } finally {
    abort.stop()
    // stop the source (a no-op once the stream is done)
    reader.cancel().catch(() => {})
  }
}

/**
 * An App that consumes a request body slowly: `chunkSize` bytes, then a pause of `delay`
 * ms, and so on, then answers how many bytes it read (and their SHA-256), for testing upload
 * progress, timeouts and proxies. GET and HEAD get an upload form; POST and PUT are read;
 * other methods get 405. Bounded by `maxBodyBytes` (413), and it stops reading as soon as
 * the client goes away (`context.signal`).
 *
 * @example
 * const site = urlMap({ '/upload': slowConsumer({ chunkSize: 1024, delay: 200 }) })
 */
export function slowConsumer(options: SlowConsumerOptions = {}): App {
  const settings: Settings = {
    chunkSize: options.chunkSize ?? 4096,
    delay: options.delay ?? 1000,
    max: options.maxBodyBytes ?? 1024 * 1024,
    onProgress: options.onProgress,
  }
  checkInteger('chunkSize', settings.chunkSize, 1)
  checkInteger('delay', settings.delay, 0)
  checkInteger('maxBodyBytes', settings.max, 0)
  if (settings.onProgress !== undefined && typeof settings.onProgress !== 'function')
    throw new TypeError('@paste/debug-apps: onProgress must be a function')

  return async function slowConsumer(request, context) {
    const method = request.method
    // the form, as Paste shows it when there is nothing to read
    if (method === 'GET' || method === 'HEAD') return htmlResponse(request, FORM)
    // RFC 9110 section 15.5.6: a 405 lists what is allowed
    if (method !== 'POST' && method !== 'PUT')
      return textResponse(request, 405, 'Method Not Allowed', { allow: ALLOW })
    const declared = request.headers.get('content-length')
    if (declared !== null && !CONTENT_LENGTH.test(declared.trim()))
      return textResponse(request, 400, 'Bad Request: malformed Content-Length')
    const total = declared === null ? undefined : Number(declared.trim())
    // RFC 9110 section 15.5.14: refused before a byte is read; the rest is not wanted
    if (total !== undefined && total > settings.max)
      return textResponse(request, 413, 'Payload Too Large', { connection: 'close' })
    const outcome = await consume(request.body, total, context.signal, settings)
    if (outcome === 'too-large')
      return textResponse(request, 413, 'Payload Too Large', { connection: 'close' })
    // nobody is listening any more; this answer is for loggers and in-process callers
    if (outcome === 'aborted') return textResponse(request, 400, 'Bad Request: upload aborted')
    if (outcome === 'unreadable')
      return textResponse(request, 400, 'Bad Request: the body could not be read')
    return htmlResponse(
      request,
      `<html><body><p>${outcome.received} bytes</p><p>sha-256 ${outcome.digest}</p></body></html>`,
    )
  }
}
