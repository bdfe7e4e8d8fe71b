/*
 * A Response whose Web stream body is built only when someone reads it. @paste/httpserver
 * sends a file response through its sendFile hook and never touches the body, so building a
 * ReadableStream (and a native Response around it) for every file response was pure cost:
 * about a quarter of the server CPU of a 1 MB file. Any other consumer (in-process callers,
 * other runtimes, filters reading `body`) gets the same Web stream as before, on first use.
 */
import { KNOWN_BODY } from '@paste/core'

type Make = () => ReadableStream<Uint8Array>
type LazyClass = new (make: Make, init: ResponseInit) => Response

// one subclass per Response constructor: @paste/httpserver may install its own globally
const classes = new WeakMap<typeof Response, LazyClass>()

function lazyClass(Base: typeof Response): LazyClass {
  // typed loosely: the DOM types declare Response's members as properties, not accessors
  const Untyped = Base as unknown as new (body: null, init: ResponseInit) => object
  class LazyBodyResponse extends Untyped {
    #make: Make | undefined
    #real: Response | undefined
    constructor(make: Make, init: ResponseInit) {
      super(null, init)
      this.#make = make
    }
    #inner(): Response {
      if (this.#real === undefined) {
        const make = this.#make as Make
        this.#make = undefined
        const self = this as unknown as Response
        this.#real = new Base(make(), { status: self.status, headers: self.headers })
      }
      return this.#real
    }
    get body(): ReadableStream<Uint8Array> | null {
      return this.#inner().body
    }
    get bodyUsed(): boolean {
      return this.#real?.bodyUsed ?? false
    }
    arrayBuffer(): Promise<ArrayBuffer> {
      return this.#inner().arrayBuffer()
    }
    blob(): Promise<Blob> {
      return this.#inner().blob()
    }
    formData(): Promise<FormData> {
      return this.#inner().formData()
    }
    json(): Promise<unknown> {
      return this.#inner().json()
    }
    text(): Promise<string> {
      return this.#inner().text()
    }
    clone(): Response {
      return this.#inner().clone()
    }
    bytes(): Promise<Uint8Array<ArrayBuffer>> {
      const inner = this.#inner() as Response & { bytes?: () => Promise<Uint8Array<ArrayBuffer>> }
      return inner.bytes ? inner.bytes() : inner.arrayBuffer().then((b) => new Uint8Array(b))
    }
    /** The body is a stream, not a known string or bytes (core's knownBody protocol). */
    [KNOWN_BODY](): undefined {
      return undefined
    }
  }
  return LazyBodyResponse as unknown as LazyClass
}

/**
 * A Response with `init`'s status and headers whose body is `make()`, called on first read.
 *
 * @example
 * const response = lazyBodyResponse(() => segmentStream(segments, file, signal, onChanged), { status: 200, headers })
 */
export function lazyBodyResponse(make: Make, init: ResponseInit): Response {
  const Base = globalThis.Response
  let Lazy = classes.get(Base)
  if (Lazy === undefined) classes.set(Base, (Lazy = lazyClass(Base)))
  return new Lazy(make, init)
}
