/*
 * Per-request capture of everything written to process.stdout and process.stderr (so every
 * console method too), by the request's async context: concurrent requests each see only
 * their own output. The two streams' write methods are wrapped once, when the first
 * middleware is made; outside a captured request they behave exactly as before.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

type Write = typeof process.stdout.write
type Stream = NodeJS.WriteStream

/** One request's capture. */
export interface Capture {
  /** What was kept for the page, in order. */
  readonly chunks: { stream: Stream; text: string }[]
  /** Characters kept so far. */
  kept: number
  /** Most characters kept; what comes after goes to the console. */
  readonly limit: number
  /** Characters not kept (past `limit`): they went to the console. */
  dropped: number
  /** Also write to the real stream at once. */
  readonly passThrough: boolean
  /** Functions told of every write, with its text. */
  readonly listeners: ((text: string) => void)[]
}

const storage = new AsyncLocalStorage<Capture>()
const originals = new Map<Stream, Write>()

function textOf(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8')
  return String(chunk)
}

/**
 * Tells the listeners, then keeps `text` for the page if it fits whole. Once one write did
 * not fit, nothing more is kept (the page shows a prefix of the output, in order), and the
 * caller sends what was not kept to the console.
 */
function record(capture: Capture, stream: Stream, text: string): boolean {
  for (const listener of capture.listeners) {
    try {
      listener(text)
    } catch {
      // a listener must never break printing
    }
  }
  if (capture.dropped > 0 || text.length > capture.limit - capture.kept) {
    capture.dropped += text.length
    return false
  }
  capture.chunks.push({ stream, text })
  capture.kept += text.length
  return true
}

function wrap(stream: Stream): void {
  if (originals.has(stream)) return
  const original = stream.write
  originals.set(stream, original)
  stream.write = function write(this: Stream, chunk: unknown, ...rest: unknown[]): boolean {
    const capture = storage.getStore()
    if (capture === undefined) return original.apply(this, [chunk, ...rest] as never)
    const whole = record(capture, stream, textOf(chunk))
    // passed through, or not all of it kept (past the limit): the console gets it, nothing is lost
    if (capture.passThrough || !whole) return original.apply(this, [chunk, ...rest] as never)
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined
    if (callback) process.nextTick(callback)
    return true
  } as Write
}

/** Wraps stdout and stderr (once per process). */
export function install(): void {
  wrap(process.stdout)
  wrap(process.stderr)
}

/** A new, empty capture. */
export function newCapture(limit: number, passThrough: boolean): Capture {
  return { chunks: [], kept: 0, limit, dropped: 0, passThrough, listeners: [] }
}

/** Runs `fn` with `capture` receiving what it (and everything it starts) prints. */
export function capturing<T>(capture: Capture, fn: () => T): T {
  return storage.run(capture, fn)
}

/** The captured text, with a note of what did not fit. */
export function capturedText(capture: Capture): string {
  const text = capture.chunks.map((c) => c.text).join('')
  return capture.dropped === 0
    ? text
    : `${text}\n[... ${capture.dropped} more characters printed to the console]\n`
}

/**
 * Writes what was kept but not yet shown anywhere to the real streams, in order: for a
 * response that gets no page (not HTML...), so that, with `passThrough: false`, nothing
 * printed is lost.
 */
export function flush(capture: Capture): void {
  if (capture.passThrough) return
  for (const { stream, text } of capture.chunks) originals.get(stream)!.call(stream, text)
  capture.chunks.length = 0
}
