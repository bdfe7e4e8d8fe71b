import { knownBody, type Middleware } from '@paste/core'
import { negotiateEncoding } from '@paste/request'
import { addVary } from '@paste/response'
import { peekBody } from './body.js'
import { type Coding, compressAll, createCompressor, SUPPORTED, syncFlushKind } from './coders.js'
import { compressibleType, hasNoTransform, weakenETag } from './headers.js'
import { compressStream } from './stream.js'

export { type Coding, SUPPORTED } from './coders.js'
export { compressibleType } from './headers.js'

/**
 * Options for {@link gzip}.
 *
 * @example
 * pipe(app, gzip({ encodings: ['br', 'gzip'], level: 6, threshold: 1024 }))
 */
export interface GzipOptions {
  /** Codings offered, in the server's order of preference; unsupported ones are dropped. @default ['zstd', 'br', 'gzip'] (zstd only where node:zlib has it) */
  encodings?: readonly Coding[]
  /** gzip level, 0-9. @default 6 */
  level?: number
  /** Brotli quality, 0-11 (11 is far too slow for dynamic responses). @default 4 */
  brotliQuality?: number
  /** zstd level, 1-19. @default 3 */
  zstdLevel?: number
  /** Bodies smaller than this many bytes are sent as they are. @default 1024 */
  threshold?: number
  /** Which responses to compress, by Content-Type (and the response itself). @default compressibleType */
  filter?: (contentType: string | null, response: Response) => boolean
  /** Content types flushed after every chunk (each event of a stream arrives at once). @default ['text/event-stream'] */
  flushTypes?: readonly string[]
  /** Largest body gathered to compress in one call before streaming instead. @default 1048576 */
  maxBuffer?: number
}

// Statuses never compressed: no body (204, 304), or a byte range of the identity coding (206).
const SKIP_STATUS = new Set([204, 206, 304])

function int(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min || value > max)
    throw new TypeError(`@paste/gzip: ${name} must be an integer ${min}-${max}`)
  return value
}

function resolveEncodings(list: readonly Coding[] | undefined): Coding[] {
  const wanted = list ?? ['zstd', 'br', 'gzip']
  for (const c of wanted)
    if (c !== 'zstd' && c !== 'br' && c !== 'gzip')
      throw new TypeError(
        `@paste/gzip: encodings may only contain 'zstd', 'br' and 'gzip', got ${JSON.stringify(c)}`,
      )
  return wanted.filter((c) => SUPPORTED.includes(c))
}

/**
 * Compresses responses (gzip, and Brotli / zstd where the runtime has them), negotiated by
 * Accept-Encoding with q-values (RFC 9110 section 12.5.3). Bodies known in full are
 * compressed with one call on the thread pool; streams are compressed as they flow.
 *
 * @example
 * const site = pipe(app, gzip({ level: 6, threshold: 1024 }))
 */
export function gzip(options: GzipOptions = {}): Middleware {
  const levels = {
    gzip: int('level', options.level, 6, 0, 9),
    br: int('brotliQuality', options.brotliQuality, 4, 0, 11),
    zstd: int('zstdLevel', options.zstdLevel, 3, 1, 19),
  }
  const encodings = resolveEncodings(options.encodings)
  const threshold = int('threshold', options.threshold, 1024, 0, Number.MAX_SAFE_INTEGER)
  const maxBuffer = int('maxBuffer', options.maxBuffer, 1 << 20, 0, Number.MAX_SAFE_INTEGER)
  const filter = options.filter ?? ((type: string | null) => compressibleType(type))
  if (typeof filter !== 'function') throw new TypeError('@paste/gzip: filter must be a function')
  const flushTypes = (options.flushTypes ?? ['text/event-stream']).map((t) => t.toLowerCase())

  return (app) =>
    async function gzip(request, context) {
      const response = await app(request, context)
      const headers = response.headers
      // the representation varies by Accept-Encoding whether or not this one is compressed
      const varied = (): Response => addVary(response, 'Accept-Encoding')
      // a 304 confirms what the client holds: if that was our weakened tag, say so (section 13.1.2)
      if (response.status === 304) return notModified(addVary(response, 'Accept-Encoding'), request)
      // HEAD has no body to encode (Paste skipped it too)
      if (request.method === 'HEAD') return varied()
      // no body (204) or a range of the identity bytes (206)
      if (SKIP_STATUS.has(response.status) || response.status < 200) return varied()
      // already encoded, or the sender forbids transformation (RFC 9111 section 5.2.2.6)
      const ce = headers.get('content-encoding')
      if (
        (ce !== null && ce.trim().toLowerCase() !== 'identity') ||
        hasNoTransform(headers.get('cache-control'))
      )
        return varied()
      // small or incompressible bodies are not worth it
      const length = headers.get('content-length')
      if (length !== null && Number(length) < threshold) return varied()
      const contentType = headers.get('content-type')
      if (!filter(contentType, response)) return varied()
      // what the client accepts, in the server's order on ties; `gzip;q=0` means no
      const coding = negotiateEncoding(request.headers.get('accept-encoding'), encodings)
      if (coding === undefined || coding === 'identity') return varied()
      // a string or bytes a Response still holds as given (core's knownBody): compress it directly
      const known = knownBody(response)
      if (known === null) return varied()
      if (known !== undefined) return encodeKnown(response, known, coding as Coding)
      // nothing to compress (read last: it builds the body stream of a lazy Response)
      if (response.body === null) return varied()
      return encode(response, coding as Coding, contentType, context.signal)
    }

  async function encodeKnown(
    response: Response,
    body: string | Uint8Array,
    coding: Coding,
  ): Promise<Response> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body
    const headers = new Headers(response.headers)
    addVary(headers, 'Accept-Encoding')
    const init = { status: response.status, statusText: response.statusText, headers }
    if (bytes.length === 0 || bytes.length < threshold) return new Response(bytes, init)
    const compressed = await compressAll(coding, bytes, levels)
    encodedHeaders(headers, coding)
    headers.set('content-length', String(compressed.length))
    return new Response(compressed, init)
  }

  async function encode(
    response: Response,
    coding: Coding,
    contentType: string | null,
    signal: AbortSignal,
  ): Promise<Response> {
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
    const flush = flushTypes.includes(type)
    const peeked = await peekBody(response.body!, maxBuffer, !flush)
    const headers = new Headers(response.headers)
    addVary(headers, 'Accept-Encoding')
    const init = { status: response.status, statusText: response.statusText, headers }
    if (peeked.complete) {
      // the whole body is here: too small stays as it is, else one call on the thread pool
      if (peeked.bytes.length === 0 || peeked.bytes.length < threshold)
        return new Response(peeked.bytes, init)
      const compressed = await compressAll(coding, peeked.bytes, levels)
      encodedHeaders(headers, coding)
      headers.set('content-length', String(compressed.length))
      return new Response(compressed, init)
    }
    encodedHeaders(headers, coding)
    const compressor = createCompressor(coding, levels)
    const body = compressStream(
      peeked,
      compressor,
      flush ? syncFlushKind(coding) : undefined,
      signal,
    )
    return new Response(body, init)
  }
}

/** Echoes the weak form of a strong ETag when the client revalidated the weak (encoded) one. */
function notModified(response: Response, request: Request): Response {
  const etag = response.headers.get('etag')
  const inm = request.headers.get('if-none-match')
  if (etag === null || inm === null || !etag.startsWith('"') || !inm.includes(`W/${etag}`))
    return response
  response.headers.set('etag', weakenETag(etag))
  return response
}

function encodedHeaders(headers: Headers, coding: Coding): void {
  headers.set('content-encoding', coding)
  headers.delete('content-length')
  const etag = headers.get('etag')
  if (etag !== null) headers.set('etag', weakenETag(etag))
}
