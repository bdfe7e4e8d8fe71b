/**
 * Frame locals at the throw point, captured with the V8 inspector from a worker thread.
 *
 * The worker (worker-source.ts) pauses the main thread on every exception and promise
 * rejection. It copies locals only when the registry below says the throw happened while a
 * request was inside a wrapped app: {@link runCaptured} counts such requests in a shared
 * counter (the worker resumes at once when it is zero, without a round trip) and marks them
 * in an AsyncLocalStorage, which the registry reads on the paused stack itself. Values are
 * kept in a WeakMap keyed by the thrown object, so they live as long as the error does.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import inspector from 'node:inspector'
import { isMainThread, Worker } from 'node:worker_threads'
import { REGISTRY_KEY, WORKER_SOURCE } from './worker-source.js'

/** The locals of one stack frame as they were when the error was thrown. */
export interface CapturedFrame {
  /** The function name the inspector gave ('' for an anonymous function). */
  function: string
  /** The script URL (`file:///...` or a path). */
  url: string
  /** 1-based line and column of the paused position. */
  line: number
  column: number
  /** Local, block, catch and closure variables, innermost scope first. */
  locals: Map<string, unknown>
}

/** Whether capture runs, and why not when it does not. */
export type CaptureStatus = { ok: true } | { ok: false; reason: string }

interface Registry {
  wants(value: unknown): boolean
  record(value: unknown, meta: string, values: unknown[]): void
}

/** Frames and variables copied per error: a bound on the time the main thread stays paused. */
const MAX_FRAMES = 20
const MAX_NAMES = 200
const READY_TIMEOUT = 10_000

const captures = new WeakMap<object, CapturedFrame[]>()
const inside = new AsyncLocalStorage<true>()
const active = new Int32Array(new SharedArrayBuffer(4))
let started: Promise<CaptureStatus> | undefined

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function'
}

const registry: Registry = {
  wants: (value) => inside.getStore() === true && isObject(value) && !captures.has(value),
  record(value, meta, values) {
    if (!isObject(value) || captures.has(value)) return
    const frames = JSON.parse(meta) as (Omit<CapturedFrame, 'locals'> & { names: string[] })[]
    let i = 0
    captures.set(
      value,
      frames.map(({ names, ...frame }) => ({
        ...frame,
        locals: new Map(names.map((name) => [name, values[i++]])),
      })),
    )
  },
}

function unavailable(): string | undefined {
  if (!isMainThread) return 'the middleware runs in a worker thread'
  // an attached debugger owns pausing: resuming its pauses would break the developer's session
  if (inspector.url() !== undefined) return 'a debugger is attached (--inspect)'
  const slot = (globalThis as Record<symbol, unknown>)[Symbol.for(REGISTRY_KEY)]
  if (slot !== undefined && slot !== registry) return 'another copy of the package captures'
  return undefined
}

function launch(): Promise<CaptureStatus> {
  const reason = unavailable()
  if (reason !== undefined) return Promise.resolve({ ok: false, reason })
  ;(globalThis as Record<symbol, unknown>)[Symbol.for(REGISTRY_KEY)] = registry
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { active, maxFrames: MAX_FRAMES, maxNames: MAX_NAMES },
    })
    const done = (status: CaptureStatus) => {
      clearTimeout(timer)
      // the worker must not keep the process alive
      worker.unref()
      resolve(status)
    }
    const timer = setTimeout(
      () => done({ ok: false, reason: 'the capture worker did not start' }),
      READY_TIMEOUT,
    )
    worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'ready') done({ ok: true })
      else if (message.type === 'failed') done({ ok: false, reason: String(message.message) })
    })
    worker.on('error', (error) => done({ ok: false, reason: error.message }))
  })
}

/**
 * Starts the capture worker once per process; later calls share the first result. Never
 * rejects: when capture is impossible the status says why.
 *
 * @example
 * const status = await startCapture()
 * if (!status.ok) logger.warn(`no frame locals: ${status.reason}`)
 */
export function startCapture(): Promise<CaptureStatus> {
  started ??= launch()
  return started
}

/**
 * Runs `fn` as "inside a wrapped app": exceptions it throws, synchronously or in the async
 * work it starts, have their frame locals captured.
 *
 * @example
 * const response = await runCaptured(() => app(request, context))
 */
export async function runCaptured<T>(fn: () => T | Promise<T>): Promise<T> {
  Atomics.add(active, 0, 1)
  try {
    return await inside.run(true, fn)
  } finally {
    Atomics.sub(active, 0, 1)
  }
}

/**
 * The frames captured for a thrown value, innermost first; undefined when none were (a
 * primitive was thrown, capture is off, or the throw happened outside a wrapped app).
 *
 * @example
 * capturedFrames(error)?.[0]?.locals.get('i')
 */
export function capturedFrames(error: unknown): CapturedFrame[] | undefined {
  return isObject(error) ? captures.get(error) : undefined
}
