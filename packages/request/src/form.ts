import { isHttpError } from '@paste/core'
import { concat, limitedChunks } from './body.js'
import { parseContentType } from './content-type.js'
import { RequestBodyError } from './error.js'
import { MultiDict } from './multidict.js'
import { type MultipartLimits, parseMultipart } from './multipart.js'
import { parseUrlencoded } from './urlencoded.js'

/**
 * Limits for {@link readForm}. Every limit is checked while the body streams in.
 *
 * @example
 * const limits: ReadFormOptions = { maxBytes: 1 << 20, maxFiles: 2, maxFileBytes: 512 * 1024 }
 * const form = await readForm(request, limits)
 */
export interface ReadFormOptions {
  /**
   * The most bytes read from the body; past it the stream is cancelled and a 413 thrown.
   * @default 1 MiB for urlencoded, 10 MiB for multipart
   */
  maxBytes?: number
  /** The most non-file fields (413 past it). @default 1000 */
  maxFields?: number
  /** The most bytes in one uploaded file (413 past it). @default 10 MiB */
  maxFileBytes?: number
  /** The most uploaded files (413 past it). @default 20 */
  maxFiles?: number
  /** The most bytes in one non-file multipart field (413 past it). @default 1 MiB */
  maxFieldBytes?: number
  /** The most bytes in the headers of one multipart part (413 past it). @default 8 KiB */
  maxHeaderBytes?: number
}

const KiB = 1024
const MiB = 1024 * KiB

const URLENCODED = 'application/x-www-form-urlencoded'
const MULTIPART = 'multipart/form-data'
// boundary := 0*69<bchars> bcharsnospace   (RFC 2046 section 5.1.1)
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/

function limit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 0)
    throw new TypeError(`@paste/request: readForm ${name} must be a non-negative integer`)
  return value
}

/**
 * Reads an HTML form from the request body: `application/x-www-form-urlencoded` or
 * `multipart/form-data` (RFC 7578), as a {@link MultiDict} of strings and `File`s. The body
 * is streamed and every limit is enforced while reading, so no more than `maxBytes` (plus one
 * chunk) is ever held. A request without a body and without a Content-Type gives an empty
 * form. Throws {@link RequestBodyError}: 413 over a limit (also up front from
 * Content-Length), 415 for another content type or a Content-Encoding, 400 for a malformed
 * body or invalid UTF-8. The body is read once: calling readForm again with the same Request
 * returns a copy of the first result (or the same error), whatever the options.
 *
 * @example
 * const form = await readForm(request, { maxBytes: 64 * 1024 })
 * const title = form.get('title')           // string | File | undefined
 * const tags = form.getAll('tag')
 */
export async function readForm(
  request: Request,
  options: ReadFormOptions = {},
): Promise<MultiDict<string | File>> {
  const limits = resolveLimits(options)
  // A body can be read once; later calls for the same Request share the first result
  // (Paste's parse_formvars caches it in the environ the same way).
  let pending = parsed.get(request)
  if (pending === undefined) {
    pending = parse(request, limits)
    parsed.set(request, pending)
  }
  return new MultiDict(await pending)
}

const parsed = new WeakMap<Request, Promise<MultiDict<string | File>>>()

async function parse(
  request: Request,
  limits: MultipartLimits & { maxBytes?: number },
): Promise<MultiDict<string | File>> {
  const header = request.headers.get('content-type')
  // No body and no type (a GET): an empty form, as Paste's parse_formvars gives. GET and
  // HEAD never have one (Fetch standard); `body` is looked at only for other methods, since
  // asking a server's lazy Request for its body stream builds one.
  if (
    header === null &&
    (request.method === 'GET' || request.method === 'HEAD' || request.body === null)
  )
    return new MultiDict()
  const { multipart, boundary } = checkHeaders(request.headers, header)
  const maxBytes = limits.maxBytes ?? (multipart ? 10 * MiB : MiB)
  const declared = request.headers.get('content-length')
  // A declared length over the limit: refuse before reading a byte.
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes)
    throw new RequestBodyError(413, `the body exceeds ${maxBytes} bytes`)
  // Someone else consumed the body: a programming error, not the client's.
  if (request.bodyUsed) throw new TypeError('@paste/request: the request body was already read')
  // A urlencoded body of a declared length within the limit: HTTP framing holds it to that
  // length, so it is read whole, without a Web stream (a server's lazy Request reads the
  // socket directly: @paste/httpserver answers a 1 KB form ~4x faster this way).
  if (!multipart && declared !== null && /^\d+$/.test(declared)) {
    let bytes: Uint8Array
    try {
      bytes = new Uint8Array(await request.arrayBuffer())
    } catch (cause) {
      // the server's own limit (a 413 it raised) stays what it is; a broken body is a 400
      if (isHttpError(cause)) throw cause
      throw new RequestBodyError(400, 'the request body could not be read', { cause })
    }
    if (bytes.byteLength > maxBytes)
      throw new RequestBodyError(413, `the body exceeds ${maxBytes} bytes`)
    return parseUrlencoded(bytes, limits.maxFields)
  }
  const empty = new ReadableStream<Uint8Array>({ start: (c) => c.close() })
  const chunks = limitedChunks(request.body ?? empty, maxBytes)
  if (multipart) return parseMultipart(chunks, boundary, limits)
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return parseUrlencoded(concat(parts), limits.maxFields)
}

/** Checks type, charset, coding and boundary before anything is read. */
function checkHeaders(
  headers: Headers,
  header: string | null,
): { multipart: false; boundary?: undefined } | { multipart: true; boundary: string } {
  const type = parseContentType(header)
  // Only the two form encodings are read (RFC 9110 15.5.16: 415 for other types).
  if (type?.type !== URLENCODED && type?.type !== MULTIPART)
    throw new RequestBodyError(415, 'expected a urlencoded or multipart/form-data body')
  const charset = type.params.charset?.toLowerCase()
  // Forms are UTF-8 (HTML); another declared charset is refused rather than misread.
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'us-ascii')
    throw new RequestBodyError(415, 'only UTF-8 forms are supported')
  const coding = headers.get('content-encoding')
  // A compressed request body is an unsupported content coding: 415 (RFC 9110 15.5.16).
  if (coding !== null && coding.trim().toLowerCase() !== 'identity')
    throw new RequestBodyError(415, 'encoded request bodies are not supported')
  if (type.type === URLENCODED) return { multipart: false }
  const boundary = type.params.boundary
  // RFC 2046 5.1.1: 1 to 70 bchars, not ending in a space.
  if (boundary === undefined || !BOUNDARY.test(boundary))
    throw new RequestBodyError(400, 'multipart/form-data without a valid boundary')
  return { multipart: true, boundary }
}

function resolveLimits(options: ReadFormOptions): MultipartLimits & { maxBytes?: number } {
  const limits: MultipartLimits & { maxBytes?: number } = {
    maxFields: limit('maxFields', options.maxFields, 1000),
    maxFiles: limit('maxFiles', options.maxFiles, 20),
    maxFileBytes: limit('maxFileBytes', options.maxFileBytes, 10 * MiB),
    maxFieldBytes: limit('maxFieldBytes', options.maxFieldBytes, MiB),
    maxHeaderBytes: limit('maxHeaderBytes', options.maxHeaderBytes, 8 * KiB),
  }
  if (options.maxBytes !== undefined) limits.maxBytes = limit('maxBytes', options.maxBytes, 0)
  return limits
}
