import { HTTP_ERROR, type HttpErrorLike } from '@paste/core'

/**
 * Thrown by `getSession` (and by `regenerate`/`destroy`/`touch`) when the store fails or
 * times out: a branded HTTP error (503 by default) whose response says only "Service
 * Unavailable"; the cause is logged, never shown. The session middleware renders it
 * without a Set-Cookie.
 *
 * @example
 * try { await getSession(context) } catch (error) {
 *   if (error instanceof SessionUnavailableError) return new Response('try later', { status: 503 })
 *   throw error
 * }
 */
export class SessionUnavailableError extends Error implements HttpErrorLike {
  readonly [HTTP_ERROR] = true as const
  readonly status: 500 | 503
  readonly expose = false
  override readonly name = 'SessionUnavailableError'

  constructor(message: string, options: { status?: 500 | 503; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.status = options.status ?? 503
  }

  toResponse(): Response {
    return failureResponse(this.status)
  }
}

/**
 * Thrown when a store call takes longer than `storeTimeout` (the `cause` of the 503's error).
 *
 * @example
 * if (error instanceof SessionUnavailableError && error.cause instanceof StoreTimeoutError) alert()
 */
export class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError'
}

/** A plain 5xx response carrying nothing of the cause. */
export function failureResponse(status: 500 | 503): Response {
  const text = status === 503 ? 'Service Unavailable\n' : 'Internal Server Error\n'
  return new Response(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  })
}

/** A store call waiting for its deadline. */
interface Waiter {
  readonly deadline: number
  readonly expire: () => void
}

// One timer for every pending store call, armed for the earliest deadline, instead of a
// setTimeout and clearTimeout per call (two store calls per request).
const waiters = new Set<Waiter>()
let timer: ReturnType<typeof setTimeout> | undefined
let armedFor = Number.POSITIVE_INFINITY

function arm(deadline: number): void {
  if (deadline >= armedFor) return
  if (timer !== undefined) clearTimeout(timer)
  armedFor = deadline
  timer = setTimeout(sweep, Math.max(0, deadline - performance.now()))
}

function sweep(): void {
  timer = undefined
  armedFor = Number.POSITIVE_INFINITY
  const now = performance.now()
  let next = Number.POSITIVE_INFINITY
  for (const waiter of waiters) {
    if (waiter.deadline <= now) {
      waiters.delete(waiter)
      waiter.expire()
    } else next = Math.min(next, waiter.deadline)
  }
  if (next !== Number.POSITIVE_INFINITY) arm(next)
}

function done(waiter: Waiter): void {
  waiters.delete(waiter)
  // nothing left to time: let the process exit as it would without a pending call
  if (waiters.size === 0 && timer !== undefined) {
    clearTimeout(timer)
    timer = undefined
    armedFor = Number.POSITIVE_INFINITY
  }
}

/** Runs a store call with a deadline (a hung store must not hang the request). */
export function bounded<T>(call: () => Promise<T>, ms: number, what: string): Promise<T> {
  let pending: Promise<T>
  try {
    pending = Promise.resolve(call())
  } catch (error) {
    return Promise.reject(error)
  }
  return new Promise<T>((resolve, reject) => {
    const waiter: Waiter = {
      deadline: performance.now() + ms,
      expire: () => reject(new StoreTimeoutError(`store ${what} took over ${ms} ms`)),
    }
    waiters.add(waiter)
    arm(waiter.deadline)
    pending.then(
      (value) => {
        done(waiter)
        resolve(value)
      },
      (error: unknown) => {
        done(waiter)
        reject(error)
      },
    )
  })
}
