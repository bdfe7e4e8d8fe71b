import { type AcceptEntry, parseAccept } from './accept.js'
import { type Authorization, parseAuthorization } from './authorization.js'
import { parseCacheControl, parseContentLength } from './cache-control.js'
import { type ContentType, parseContentType } from './content-type.js'
import { parseCookies } from './cookies.js'
import { type ETag, type ETagList, parseETag, parseETagList } from './etag.js'
import { parseHttpDate } from './http-date.js'
import { type ByteRange, parseRange } from './range.js'

/**
 * Typed, parsed views of the common request headers (Paste's `paste.httpheaders`). Each
 * getter parses on access, never throws, and gives `undefined` (or an empty value) for a
 * missing or malformed header.
 */
export interface TypedHeaders {
  /** Accept, best first. */
  readonly accept: AcceptEntry[]
  /** Accept-Charset, best first. */
  readonly acceptCharset: AcceptEntry[]
  /** Accept-Encoding, best first. */
  readonly acceptEncoding: AcceptEntry[]
  /** Accept-Language, best first. */
  readonly acceptLanguage: AcceptEntry[]
  /** Authorization. */
  readonly authorization: Authorization | undefined
  /** Cache-Control directives. */
  readonly cacheControl: Map<string, string | true>
  /** Content-Length (identical repeated values allowed). */
  readonly contentLength: number | undefined
  /** Content-Type. */
  readonly contentType: ContentType | undefined
  /** Cookie. */
  readonly cookies: Map<string, string>
  /** Date. */
  readonly date: Date | undefined
  /** If-Match. */
  readonly ifMatch: ETagList
  /** If-None-Match. */
  readonly ifNoneMatch: ETagList
  /** If-Modified-Since. */
  readonly ifModifiedSince: Date | undefined
  /** If-Unmodified-Since. */
  readonly ifUnmodifiedSince: Date | undefined
  /** If-Range: an entity-tag or a date (RFC 9110 13.1.5). */
  readonly ifRange: ETag | Date | undefined
  /** Proxy-Authorization. */
  readonly proxyAuthorization: Authorization | undefined
  /** Referer. */
  readonly referer: string | undefined
  /** User-Agent. */
  readonly userAgent: string | undefined
  /** Range, resolved against a representation of `size` bytes (see `parseRange`). */
  range(size: number): ByteRange[] | 'unsatisfiable' | undefined
}

/**
 * Returns typed accessors for the common headers of a request (or of any `Headers`).
 *
 * @example
 * const h = typedHeaders(request)
 * if (h.ifModifiedSince && h.ifModifiedSince >= lastModified) return new Response(null, { status: 304 })
 * const ranges = h.range(file.size)
 */
export function typedHeaders(source: Request | Headers): TypedHeaders {
  const headers = source instanceof Headers ? source : source.headers
  const get = (name: string) => headers.get(name)
  return {
    get accept() {
      return parseAccept(get('accept'))
    },
    get acceptCharset() {
      return parseAccept(get('accept-charset'))
    },
    get acceptEncoding() {
      return parseAccept(get('accept-encoding'))
    },
    get acceptLanguage() {
      return parseAccept(get('accept-language'))
    },
    get authorization() {
      return parseAuthorization(get('authorization'))
    },
    get cacheControl() {
      return parseCacheControl(get('cache-control'))
    },
    get contentLength() {
      return parseContentLength(get('content-length'))
    },
    get contentType() {
      return parseContentType(get('content-type'))
    },
    get cookies() {
      return parseCookies(get('cookie'))
    },
    get date() {
      return parseHttpDate(get('date'))
    },
    get ifMatch() {
      return parseETagList(get('if-match'))
    },
    get ifNoneMatch() {
      return parseETagList(get('if-none-match'))
    },
    get ifModifiedSince() {
      return parseHttpDate(get('if-modified-since'))
    },
    get ifUnmodifiedSince() {
      return parseHttpDate(get('if-unmodified-since'))
    },
    get ifRange() {
      const value = get('if-range')
      if (value === null) return undefined
      return parseETag(value) ?? parseHttpDate(value)
    },
    get proxyAuthorization() {
      return parseAuthorization(get('proxy-authorization'))
    },
    get referer() {
      return get('referer') ?? undefined
    },
    get userAgent() {
      return get('user-agent') ?? undefined
    },
    range(size: number) {
      return parseRange(get('range'), size)
    },
  }
}
