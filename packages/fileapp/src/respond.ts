/*
 * The shared response logic of fileApp, dataApp and directoryApp: preconditions (RFC 9110
 * section 13.2.2), then Range (section 14), then the body. Headers are precomputed per
 * representation; only Content-Length, Content-Range and Expires are added per request.
 */
import { randomBytes } from 'node:crypto'
import { type Segment, segmentStream } from './body.js'
import { evaluatePreconditions, ifRangeMatches, type Validators } from './conditional.js'
import { attachFileSource } from './fast.js'
import type { CachePolicy } from './headers.js'
import { formatHttpDate } from './http-date.js'
import { lazyBodyResponse } from './lazy-body.js'
import type { FileMeta } from './meta.js'
import { type ByteRange, planRanges, type RangeLimits } from './range.js'

/** A representation ready to send. */
export interface Representation {
  readonly size: number
  readonly validators: Validators
  readonly contentType: string
  /** Headers of a 200 except Content-Length and Expires. */
  readonly headers: readonly (readonly [string, string])[]
  /** Headers a 304 keeps (section 15.4.5): ETag, Cache-Control, Vary (Expires is added per response). */
  readonly notModifiedHeaders: readonly (readonly [string, string])[]
  /**
   * The whole init of a 304 when no header varies per request (no Expires): one frozen
   * object reused by every revalidation (Response copies its init headers, never writes them).
   */
  readonly notModifiedInit?: ResponseInit | undefined
  /** The file behind it, or `undefined` for in-memory data. */
  readonly file: FileMeta | undefined
  /** The data, for in-memory representations. */
  readonly bytes: Uint8Array | undefined
}

/** Per-app settings the responder needs. */
export interface RespondSettings extends RangeLimits {
  readonly cache: CachePolicy | undefined
  /** Called when a file no longer matches its metadata (to drop the cache entry). */
  readonly onChanged: (path: string) => void
}

const PAST = 'Thu, 01 Jan 1970 00:00:00 GMT'

let memo = { at: -1, delta: -1, value: '' }

function expires(cache: CachePolicy | undefined): string | undefined {
  if (cache?.expires === undefined) return undefined
  if (cache.expires === 'past') return PAST
  // formatted once per second and max-age
  const at = Math.floor(Date.now() / 1000)
  if (memo.at !== at || memo.delta !== cache.expires)
    memo = { at, delta: cache.expires, value: formatHttpDate(at + cache.expires) }
  return memo.value
}

/** Header pairs: a fresh array per response (the cheapest init for both Response classes). */
type Pairs = [string, string][]

function headersOf(
  list: readonly (readonly [string, string])[],
  cache: CachePolicy | undefined,
): Pairs {
  const headers = list.slice() as Pairs
  const e = expires(cache)
  if (e !== undefined) headers.push(['expires', e])
  return headers
}

/**
 * Answers a GET or HEAD for a representation.
 *
 * @example
 * return respond(request, representation, settings, context.signal)
 */
export function respond(
  request: Request,
  rep: Representation,
  settings: RespondSettings,
  signal: AbortSignal | undefined,
): Response {
  const method = request.method
  // preconditions first (section 13.2.2): 304 for GET/HEAD, 412 otherwise
  const pre = evaluatePreconditions(request.headers, method, rep.validators)
  if (pre === 'not-modified')
    return new Response(
      null,
      rep.notModifiedInit ?? {
        status: 304,
        headers: headersOf(rep.notModifiedHeaders, settings.cache),
      },
    )
  if (pre === 'failed') return failed(412, 'Precondition Failed\n')
  const headers = headersOf(rep.headers, settings.cache)
  const head = method === 'HEAD'
  // Range applies to GET only (section 14.2), and only while If-Range still matches (13.1.5)
  const range = method === 'GET' ? request.headers.get('range') : null
  if (range === null || !ifRangeMatches(request.headers.get('if-range'), rep.validators))
    return whole(rep, headers, head, settings, signal)
  const plan = planRanges(range, rep.size, settings)
  if (plan.kind === 'ignore') return whole(rep, headers, head, settings, signal)
  if (plan.kind === 'unsatisfiable') {
    // 416 with the current length, and nothing of the request echoed (section 15.5.17)
    return failed(416, 'Range Not Satisfiable\n', [['content-range', `bytes */${rep.size}`]])
  }
  if (plan.ranges.length === 1) return single(rep, headers, plan.ranges[0]!, settings, signal)
  return multipart(rep, headers, plan.ranges, settings, signal)
}

function failed(status: number, text: string, extra: Pairs = []): Response {
  return new Response(text, {
    status,
    headers: [['content-type', 'text/plain; charset=utf-8'], ...extra],
  })
}

function body(
  rep: Representation,
  segments: readonly Segment[],
  settings: RespondSettings,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> | Uint8Array {
  if (segments.length === 1 && segments[0] instanceof Uint8Array) return segments[0]
  const file = rep.file
  if (file === undefined) throw new TypeError('range segment without data')
  return segmentStream(segments, file, signal, () => settings.onChanged(file.path))
}

function dataSegment(rep: Representation, r: ByteRange): Segment {
  if (rep.bytes) return rep.bytes.subarray(r.start, r.end)
  if (rep.file?.bytes) return rep.file.bytes.subarray(r.start, r.end)
  return r
}

function whole(
  rep: Representation,
  headers: Pairs,
  head: boolean,
  settings: RespondSettings,
  signal: AbortSignal | undefined,
): Response {
  headers.push(['content-length', String(rep.size)])
  if (head || rep.size === 0) return new Response(head ? null : '', { status: 200, headers })
  const range = { start: 0, end: rep.size }
  return fileResponse(rep, range, 200, headers, settings, signal)
}

/** A 200/206 of one range: for a file on disk, a lazy Web body plus the server's file hook. */
function fileResponse(
  rep: Representation,
  r: ByteRange,
  status: 200 | 206,
  headers: Pairs,
  settings: RespondSettings,
  signal: AbortSignal | undefined,
): Response {
  const segments = [dataSegment(rep, r)]
  if (!rep.file || rep.file.bytes)
    return new Response(body(rep, segments, settings, signal), { status, headers })
  // the Web stream is built only if someone reads the body (@paste/httpserver does not)
  const response = lazyBodyResponse(
    () => body(rep, segments, settings, signal) as ReadableStream<Uint8Array>,
    { status, headers },
  )
  return attachFileSource(response, rep.file, r, changed(rep, settings))
}

function single(
  rep: Representation,
  headers: Pairs,
  r: ByteRange,
  settings: RespondSettings,
  signal: AbortSignal | undefined,
): Response {
  headers.push(
    ['content-length', String(r.end - r.start)],
    ['content-range', `bytes ${r.start}-${r.end - 1}/${rep.size}`],
  )
  return fileResponse(rep, r, 206, headers, settings, signal)
}

function changed(rep: Representation, settings: RespondSettings): () => void {
  return () => rep.file && settings.onChanged(rep.file.path)
}

const encoder = new TextEncoder()

function multipart(
  rep: Representation,
  headers: Pairs,
  ranges: readonly ByteRange[],
  settings: RespondSettings,
  signal: AbortSignal | undefined,
): Response {
  // multipart/byteranges (section 14.6): each part with its Content-Type and Content-Range
  const boundary = randomBytes(12).toString('hex')
  const segments: Segment[] = []
  let length = 0
  for (const r of ranges) {
    const part = encoder.encode(
      `\r\n--${boundary}\r\ncontent-type: ${rep.contentType}\r\n` +
        `content-range: bytes ${r.start}-${r.end - 1}/${rep.size}\r\n\r\n`,
    )
    segments.push(part, dataSegment(rep, r))
    length += part.length + (r.end - r.start)
  }
  const close = encoder.encode(`\r\n--${boundary}--\r\n`)
  segments.push(close)
  length += close.length
  const pairs: Pairs = headers.filter(([name]) => name !== 'content-type')
  pairs.push(
    ['content-type', `multipart/byteranges; boundary=${boundary}`],
    ['content-length', String(length)],
  )
  const file = rep.file
  const stream = segmentStream(segments, file, signal, () => file && settings.onChanged(file.path))
  return new Response(stream, { status: 206, headers: pairs })
}
