import { createHash } from 'node:crypto'
import type { App, Context } from '@paste/core'
import { methodNotAllowed } from './common.js'
import { cachePolicy, contentDisposition, type DispositionOptions } from './headers.js'
import { formatHttpDate } from './http-date.js'
import { type Representation, respond } from './respond.js'
import { contentTypeOf, type HeadersInitLike, type ServeFileOptions } from './server.js'

/** Options for {@link dataApp}. */
export interface DataAppOptions {
  /** Content-Type. @default from `disposition.filename`, else 'application/octet-stream' */
  contentType?: string
  /** Last-Modified. @default when the app was created */
  lastModified?: Date
  /** Cache-Control: a literal value or directives (Expires follows `maxAge`). @default none */
  cacheControl?: ServeFileOptions['cacheControl']
  /** Content-Disposition: `'attachment'`, `'inline'` or `{ type, filename }`. @default none */
  disposition?: 'attachment' | 'inline' | DispositionOptions
  /** Extra headers. @default none */
  headers?: HeadersInitLike
  /** More ranges than this and the Range header is ignored. @default 16 */
  maxRanges?: number
  /** Serve overlapping ranges instead of ignoring the header. @default false */
  allowOverlappingRanges?: boolean
}

/**
 * Serves bytes (or a string, as UTF-8) held in memory, with the same conditional, Range
 * and HEAD handling as {@link fileApp}. The ETag is a hash of the content.
 *
 * @example
 * const robots = dataApp('User-agent: *\nDisallow:\n', { contentType: 'text/plain; charset=utf-8' })
 */
export function dataApp(content: Uint8Array | string, options: DataAppOptions = {}): App {
  const pkg = '@paste/fileapp'
  const bytes =
    typeof content === 'string' ? new TextEncoder().encode(content) : new Uint8Array(content)
  const d = options.disposition
  const dispo = d === undefined ? undefined : typeof d === 'string' ? { type: d } : d
  const contentType =
    options.contentType ??
    (dispo?.filename ? contentTypeOf(dispo.filename) : 'application/octet-stream')
  const cache =
    options.cacheControl === undefined ? undefined : cachePolicy(options.cacheControl, pkg)
  const lastModified = Math.floor((options.lastModified?.getTime() ?? Date.now()) / 1000)
  if (!Number.isFinite(lastModified))
    throw new TypeError(`${pkg}: lastModified must be a valid Date`)
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`
  // what a 304 keeps (RFC 9110 section 15.4.5): not Last-Modified, as there is an ETag
  const keep: [string, string][] = [['etag', etag]]
  if (cache) keep.push(['cache-control', cache.cacheControl])
  const headers: [string, string][] = [
    ['content-type', contentType],
    ['accept-ranges', 'bytes'],
    ['last-modified', formatHttpDate(lastModified)],
    ...keep,
  ]
  if (dispo) headers.push(['content-disposition', contentDisposition(dispo, pkg)])
  headers.push(...new Headers(options.headers))
  const rep: Representation = {
    size: bytes.length,
    validators: { etag, lastModified },
    contentType,
    headers,
    notModifiedHeaders: keep,
    file: undefined,
    bytes,
  }
  const maxRanges = options.maxRanges ?? 16
  if (!Number.isInteger(maxRanges) || maxRanges < 1)
    throw new TypeError(`${pkg}: maxRanges must be an integer >= 1`)
  const settings = {
    maxRanges,
    allowOverlap: options.allowOverlappingRanges ?? false,
    cache,
    onChanged() {},
  }
  return function dataApp(request, context: Context) {
    // only GET and HEAD (Paste: 405 with Allow)
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed()
    return respond(request, rep, settings, context.signal)
  }
}
