/*
 * A lazy `Response`: constructing a WHATWG Response with a string body costs ~15 µs on
 * Node 20 (it builds a ReadableStream at once), more than a whole raw node:http request.
 * FastResponse keeps the body and init as given; the server writes a string, bytes or null
 * body straight to the socket. Touching anything a plain record cannot answer (body,
 * text(), clone()...) materialises a real Response once and delegates to it, so code
 * that uses the full API still sees standard behaviour.
 */

import { KNOWN_BODY } from '@paste/core'

const NativeResponse: typeof Response = globalThis.Response

/** Internal slots (symbols, so they never collide with the Response API). */
export const kBody: unique symbol = Symbol('paste.body')
export const kInit: unique symbol = Symbol('paste.init')
export const kHeaders: unique symbol = Symbol('paste.headers')
export const kReal: unique symbol = Symbol('paste.real')
/** A Headers init, snapshotted as a flat [name, value, ...] list (cheaper than a copy). */
export const kList: unique symbol = Symbol('paste.list')

/** The body kinds written directly to the socket. */
export type SimpleBody = string | Uint8Array | ArrayBuffer | null | undefined

// Statuses whose responses have no body (Fetch standard, "null body status").
const NULL_BODY = new Set([101, 103, 204, 205, 304])

function isSimpleBody(body: unknown): body is SimpleBody {
  return (
    body === null ||
    body === undefined ||
    typeof body === 'string' ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer
  )
}

function isSimpleInit(init: ResponseInit | undefined): boolean {
  if (init === undefined) return true
  if (typeof init !== 'object' || init === null || init instanceof NativeResponse) return false
  // an empty reason phrase is the default one (what middleware copying a Response passes)
  return init.statusText === undefined || init.statusText === ''
}

class FastResponseImpl {
  [kBody]: SimpleBody;
  [kInit]: ResponseInit | undefined;
  [kHeaders]: Headers | undefined;
  [kList]: string[] | undefined;
  [kReal]: Response | undefined

  constructor(body?: ConstructorParameters<typeof Response>[0], init?: ResponseInit) {
    this[kHeaders] = undefined
    this[kList] = undefined
    if (!isSimpleBody(body) || !isSimpleInit(init)) {
      // Streams, blobs, forms, or a Response as init: the native class does the work.
      this[kBody] = undefined
      this[kInit] = undefined
      this[kReal] = new NativeResponse(body, init)
      return
    }
    const status = init?.status
    if (status !== undefined) {
      // Fetch standard, Response constructor steps: status in 200-599; no body on null-body statuses
      if (!Number.isInteger(status) || status < 200 || status > 599)
        throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive.`)
      if (body != null && NULL_BODY.has(status))
        throw new TypeError('Response constructor: Invalid response status code ' + status)
    }
    const headers = init?.headers
    // A Headers object may be reused by the caller: snapshot it now, as the native class
    // copies it (forEach yields each Set-Cookie separately).
    if (headers instanceof Headers) {
      const list: string[] = []
      headers.forEach((value, name) => {
        list.push(name, value)
      })
      this[kList] = list
    }
    this[kBody] = body
    this[kInit] = init
    this[kReal] = undefined
  }

  /** `@paste/core`'s {@link KNOWN_BODY}: the body as given, while it is untouched. */
  [KNOWN_BODY](): string | Uint8Array | null | undefined {
    if (this[kReal] !== undefined) return undefined
    const body = this[kBody]
    if (body === undefined || body === null) return null
    return body instanceof ArrayBuffer ? new Uint8Array(body) : body
  }

  get status(): number {
    return this[kReal]?.status ?? this[kInit]?.status ?? 200
  }

  get ok(): boolean {
    const s = this.status
    return s >= 200 && s <= 299
  }

  get statusText(): string {
    return this[kReal]?.statusText ?? ''
  }

  get headers(): Headers {
    const real = this[kReal]
    if (real) return real.headers
    let headers = this[kHeaders]
    if (headers === undefined) {
      const list = this[kList]
      if (list === undefined) headers = new Headers(this[kInit]?.headers)
      else {
        headers = new Headers()
        for (let i = 0; i < list.length; i += 2) headers.append(list[i]!, list[i + 1]!)
      }
      this[kHeaders] = headers
      if (typeof this[kBody] === 'string' && !headers.has('content-type'))
        headers.set('content-type', 'text/plain;charset=UTF-8')
    }
    return headers
  }

  get type(): Response['type'] {
    return this[kReal]?.type ?? 'default'
  }

  get url(): string {
    return this[kReal]?.url ?? ''
  }

  get redirected(): boolean {
    return this[kReal]?.redirected ?? false
  }

  get bodyUsed(): boolean {
    return this[kReal]?.bodyUsed ?? false
  }

  get body(): ReadableStream<Uint8Array> | null {
    return materialize(this).body
  }
}

/** Builds (once) the native Response this one stands for. */
export function materialize(response: FastResponseImpl): Response {
  let real = response[kReal]
  if (real === undefined) {
    const init: ResponseInit = { status: response.status, headers: response.headers }
    real = response[kReal] = new NativeResponse(response[kBody], init)
    response[kBody] = undefined
    response[kHeaders] = undefined
    response[kList] = undefined
  }
  return real
}

for (const method of ['arrayBuffer', 'blob', 'bytes', 'clone', 'formData', 'json', 'text']) {
  Object.defineProperty(FastResponseImpl.prototype, method, {
    configurable: true,
    writable: true,
    value(this: FastResponseImpl, ...args: unknown[]) {
      const real = materialize(this) as unknown as Record<string, (...a: unknown[]) => unknown>
      return real[method]!(...args)
    },
  })
}

const JSON_TYPE = { 'content-type': 'application/json' }

// Response.json() (Fetch standard): a FastResponse too, so JSON answers skip Web streams.
Object.defineProperty(FastResponseImpl, 'json', {
  configurable: true,
  writable: true,
  value(data: unknown, init?: ResponseInit): Response {
    const body = JSON.stringify(data)
    if (body === undefined) throw new TypeError('Response.json: the data is not JSON serializable')
    if (init?.headers === undefined)
      return new FastResponseImpl(body, { ...init, headers: JSON_TYPE }) as unknown as Response
    const headers = new Headers(init.headers)
    if (!headers.has('content-type')) headers.set('content-type', 'application/json')
    return new FastResponseImpl(body, { ...init, headers }) as unknown as Response
  },
})
Object.defineProperty(FastResponseImpl, Symbol.hasInstance, {
  value: (value: unknown) => value instanceof NativeResponse,
})
Object.setPrototypeOf(FastResponseImpl, NativeResponse)
Object.setPrototypeOf(FastResponseImpl.prototype, NativeResponse.prototype)

/** Tells whether a value is a FastResponse still holding its original body. */
export function isFastResponse(value: unknown): value is FastResponseImpl {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as FastResponseImpl)[kReal] === undefined &&
    kInit in value
  )
}

export type { FastResponseImpl }

/**
 * A drop-in `Response` that the server writes without Web streams when its body is a
 * string, bytes or null. It is an `instanceof Response` and behaves as one: touching the
 * body or calling `text()`, `clone()`... builds the native Response once and delegates.
 * `serve()` installs it as `globalThis.Response` unless `fastResponse: false`.
 *
 * @example
 * import { FastResponse } from '@paste/httpserver'
 * const hello: App = () => new FastResponse('Hello', { headers: { 'content-type': 'text/plain' } })
 */
export const FastResponse: typeof Response = FastResponseImpl as unknown as typeof Response

/** The Response class that was global before any install (the native one). */
export const NativeResponseClass: typeof Response = NativeResponse

/**
 * Makes `new Response(...)` anywhere in the process build a {@link FastResponse}
 * (what @hono/node-server does by default). Idempotent.
 *
 * @example
 * installFastResponse()
 */
export function installFastResponse(): void {
  if (globalThis.Response !== FastResponse) globalThis.Response = FastResponse
}
