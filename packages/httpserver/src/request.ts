/*
 * A lazy `Request` over Node's IncomingMessage. method, url, headers and signal are
 * cheap getters; the native Request (with a Web stream for the body) is built only when
 * something else is touched. arrayBuffer()/text()/json()/bytes() read the body straight
 * from the socket, without Web streams, when nothing has touched `body` before.
 * Node's own objects are never modified (design.md section 6).
 */
import type { IncomingMessage } from 'node:http'
import { type Context, ON_SENT, type SentCallback } from '@paste/core'
import { readBody, webBody } from './body.js'

const NativeRequest: typeof Request = globalThis.Request
const decoder = new TextDecoder()

export const kIncoming: unique symbol = Symbol('paste.incoming')
const kUrl: unique symbol = Symbol('paste.url')
const kSignal: unique symbol = Symbol('paste.signal')
const kLimit: unique symbol = Symbol('paste.limit')
const kHeaders: unique symbol = Symbol('paste.headers')
const kReal: unique symbol = Symbol('paste.real')
const kUsed: unique symbol = Symbol('paste.used')
const kSent: unique symbol = Symbol('paste.sent')

const inspect = Symbol.for('nodejs.util.inspect.custom')

/** Headers' methods, declared as methods (the lib types declare properties, which a subclass cannot call through super). */
interface HeadersMethods {
  append(name: string, value: string): void
  delete(name: string): void
  get(name: string): string | null
  getSetCookie(): string[]
  has(name: string): boolean
  set(name: string, value: string): void
  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void
  entries(): IterableIterator<[string, string]>
  keys(): IterableIterator<string>
  values(): IterableIterator<string>
  [Symbol.iterator](): IterableIterator<[string, string]>
}
const NativeHeaders = globalThis.Headers as unknown as new () => HeadersMethods

/**
 * The request's headers as a real `Headers`, read straight from Node's rawHeaders until
 * something needs the whole list: `get` and `has` scan the few raw pairs (llhttp already
 * trimmed the values) instead of copying every header through `append` and its checks.
 * Iterating, mutating or copying (`new Headers(h)`, `new Request(url, { headers: h })`,
 * which iterate) fills the native list once, and from then on it is a plain Headers.
 */
// a header name (RFC 9110 section 5.1: a token), lower-cased
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/

// token characters mapped to their lower case (0: not a token character)
const TOKEN_LOWER = new Uint8Array(128)
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz")
  TOKEN_LOWER[c.charCodeAt(0)] = c.charCodeAt(0)
for (let c = 65; c <= 90; c++) TOKEN_LOWER[c] = c + 32

/** Whether a raw header name equals `lower` (a lower-case token of the same length), ignoring case. */
function sameName(raw: string, lower: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c > 127 || TOKEN_LOWER[c] !== lower.charCodeAt(i)) return false
  }
  return true
}

// Lower-case names already found valid: the names an app asks for are a handful of
// literals, so the token check runs once per name, not once per lookup. Bounded.
const validNames = new Set<string>()
const VALID_NAMES_MAX = 512

/** The name lower-cased when it is a valid header name, else `undefined`. */
function checkedName(name: string): string | undefined {
  if (validNames.has(name)) return name
  const lower = String(name).toLowerCase()
  if (!TOKEN.test(lower)) return undefined
  if (lower === name && validNames.size < VALID_NAMES_MAX) validNames.add(lower)
  return lower
}

class IncomingHeaders extends NativeHeaders {
  #raw: string[] | undefined

  constructor(raw: string[]) {
    super()
    this.#raw = raw
  }

  #fill(): void {
    const raw = this.#raw
    if (raw === undefined) return
    this.#raw = undefined
    for (let i = 0; i < raw.length; i += 2) super.append(raw[i]!, raw[i + 1]!)
  }

  override get(name: string): string | null {
    const raw = this.#raw
    // an invalid name: the native class throws its TypeError
    const lower = raw === undefined ? undefined : checkedName(name)
    if (raw === undefined || lower === undefined) return super.get(name)
    let value: string | null = null
    for (let i = 0; i < raw.length; i += 2) {
      const n = raw[i]!
      if (n.length === lower.length && (n === lower || sameName(n, lower)))
        // undici joins repeated Cookie lines with '; ' (one cookie-string), others with ', '
        value =
          value === null ? raw[i + 1]! : `${value}${lower === 'cookie' ? '; ' : ', '}${raw[i + 1]!}`
    }
    return value
  }

  override has(name: string): boolean {
    const raw = this.#raw
    const lower = raw === undefined ? undefined : checkedName(name)
    if (raw === undefined || lower === undefined) return super.has(name)
    for (let i = 0; i < raw.length; i += 2) {
      const n = raw[i]!
      if (n.length === lower.length && (n === lower || sameName(n, lower))) return true
    }
    return false
  }

  override append(name: string, value: string): void {
    this.#fill()
    super.append(name, value)
  }

  override set(name: string, value: string): void {
    this.#fill()
    super.set(name, value)
  }

  override delete(name: string): void {
    this.#fill()
    super.delete(name)
  }

  override getSetCookie(): string[] {
    this.#fill()
    return super.getSetCookie()
  }

  override forEach(
    callback: (value: string, key: string, parent: Headers) => void,
    thisArg?: unknown,
  ): void {
    this.#fill()
    super.forEach(callback, thisArg)
  }

  override entries(): IterableIterator<[string, string]> {
    this.#fill()
    return super.entries()
  }

  override keys(): IterableIterator<string> {
    this.#fill()
    return super.keys()
  }

  override values(): IterableIterator<string> {
    this.#fill()
    return super.values()
  }

  override [Symbol.iterator](): IterableIterator<[string, string]> {
    this.#fill()
    return super[Symbol.iterator]()
  }

  [inspect](...args: unknown[]): unknown {
    this.#fill()
    const native = (NativeHeaders.prototype as unknown as Record<symbol, unknown>)[inspect]
    return typeof native === 'function' ? native.apply(this, args) : this
  }
}

class LazyRequest {
  [kIncoming]: IncomingMessage;
  [kUrl]: string | Context;
  [kSignal]: AbortSignal;
  [kLimit]: number;
  [kHeaders]: Headers | undefined;
  [kReal]: Request | undefined;
  [kUsed]: boolean;
  [kSent]: SentCallback[] | undefined

  constructor(incoming: IncomingMessage, context: Context, signal: AbortSignal, limit: number) {
    this[kIncoming] = incoming
    this[kUrl] = context
    this[kSignal] = signal
    this[kLimit] = limit
    this[kHeaders] = undefined
    this[kReal] = undefined
    this[kUsed] = false
    this[kSent] = undefined
  }

  /** `@paste/core`'s whenSent(): the server calls `callback` once the response has left. */
  [ON_SENT](callback: SentCallback): void {
    if (typeof callback !== 'function')
      throw new TypeError('@paste/httpserver: the sent callback must be a function')
    const list = this[kSent]
    if (list === undefined) this[kSent] = [callback]
    else list.push(callback)
  }

  get method(): string {
    return this[kIncoming].method ?? 'GET'
  }

  get url(): string {
    const url = this[kUrl]
    if (typeof url === 'string') return url
    return (this[kUrl] = urlFor(this[kIncoming], url))
  }

  get signal(): AbortSignal {
    return this[kSignal]
  }

  get headers(): Headers {
    const real = this[kReal]
    if (real) return real.headers
    let headers = this[kHeaders]
    if (headers === undefined)
      headers = this[kHeaders] = new IncomingHeaders(
        this[kIncoming].rawHeaders,
      ) as unknown as Headers
    return headers
  }

  get bodyUsed(): boolean {
    return this[kUsed] || (this[kReal]?.bodyUsed ?? false)
  }

  get body(): ReadableStream<Uint8Array> | null {
    return materialize(this).body
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#direct('arrayBuffer', (b) =>
      // a large Buffer.concat result owns its whole ArrayBuffer: hand it over without a copy
      b.byteOffset === 0 && b.buffer.byteLength === b.byteLength
        ? b.buffer
        : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength),
    ) as Promise<ArrayBuffer>
  }

  bytes(): Promise<Uint8Array> {
    return this.#direct(
      'bytes',
      (b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
    ) as Promise<Uint8Array>
  }

  text(): Promise<string> {
    return this.#direct('text', (b) => decoder.decode(b)) as Promise<string>
  }

  json(): Promise<unknown> {
    return this.#direct('json', (b) => JSON.parse(decoder.decode(b)))
  }

  /** Reads the whole body from the socket when no Web stream was asked for. */
  #direct(kind: string, convert: (bytes: Buffer) => unknown): Promise<unknown> {
    const real = this[kReal]
    if (real) return (real as unknown as Record<string, () => Promise<unknown>>)[kind]!()
    if (this[kUsed])
      return Promise.reject(new TypeError('Body is unusable: Body has already been read'))
    this[kUsed] = true
    const method = this.method
    if (method === 'GET' || method === 'HEAD') return Promise.resolve(convert(Buffer.alloc(0)))
    return readBody(this[kIncoming], this[kLimit]).then(convert)
  }
}

/** The URL as the client sees it, from the context (scheme, host) and the raw target. */
function urlFor(req: IncomingMessage & { originalUrl?: string }, context: Context): string {
  const target = req.originalUrl ?? req.url ?? '/'
  // origin-form keeps the server's own host even for `//evil.com/x` (RFC 9112 section 3.2.1)
  if (target.charCodeAt(0) === 47 /* / */) return context.origin + target
  return context.origin + context.scriptName + context.pathInfo + context.search
}

/** Builds (once) the native Request this one stands for. */
function materialize(request: LazyRequest): Request {
  let real = request[kReal]
  if (real === undefined) {
    const method = request.method
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers: request.headers,
      signal: request[kSignal],
    }
    if (method !== 'GET' && method !== 'HEAD' && !request[kUsed]) {
      init.body = webBody(request[kIncoming], request[kLimit])
      init.duplex = 'half'
    }
    real = request[kReal] = new NativeRequest(request.url, init)
  }
  return real
}

for (const name of [
  'cache',
  'credentials',
  'destination',
  'duplex',
  'integrity',
  'keepalive',
  'mode',
  'redirect',
  'referrer',
  'referrerPolicy',
]) {
  Object.defineProperty(LazyRequest.prototype, name, {
    configurable: true,
    get(this: LazyRequest) {
      return (materialize(this) as unknown as Record<string, unknown>)[name]
    },
  })
}
for (const name of ['blob', 'clone', 'formData']) {
  Object.defineProperty(LazyRequest.prototype, name, {
    configurable: true,
    writable: true,
    value(this: LazyRequest, ...args: unknown[]) {
      const real = materialize(this) as unknown as Record<string, (...a: unknown[]) => unknown>
      return real[name]!(...args)
    },
  })
}
Object.setPrototypeOf(LazyRequest.prototype, NativeRequest.prototype)

/** Creates the lazy Request the App receives. */
export function lazyRequest(
  incoming: IncomingMessage,
  context: Context,
  signal: AbortSignal,
  maxBodyBytes: number,
): Request {
  return new LazyRequest(incoming, context, signal, maxBodyBytes) as unknown as Request
}

/** The callbacks waiting for the response to `request` to be sent, if any. */
export function sentCallbacks(request: Request | undefined): SentCallback[] | undefined {
  return (request as unknown as LazyRequest | undefined)?.[kSent]
}

/** Tells whether the App started reading the body (so the server must not drain it early). */
export function bodyTouched(request: Request): boolean {
  const lazy = request as unknown as LazyRequest
  return lazy[kUsed] === true || lazy[kReal] !== undefined
}
