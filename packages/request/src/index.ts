export { type AcceptEntry, parseAccept } from './accept.js'
export { type Authorization, parseAuthorization, parseAuthParams } from './authorization.js'
export { parseCacheControl, parseContentLength } from './cache-control.js'
export { type ContentType, parseContentType } from './content-type.js'
export { getCookie, parseCookies } from './cookies.js'
export { negotiateEncoding } from './encoding.js'
export { RequestBodyError } from './error.js'
export { type ETag, type ETagList, etagMatches, parseETag, parseETagList } from './etag.js'
export { type ReadFormOptions, readForm } from './form.js'
export { formatHttpDate, parseHttpDate } from './http-date.js'
export { MultiDict } from './multidict.js'
export { negotiateLanguage, negotiateMediaType } from './negotiate.js'
export { parseQuery } from './query.js'
export { type ByteRange, type ParseRangeOptions, parseRange } from './range.js'
export { type TypedHeaders, typedHeaders } from './typed-headers.js'
export {
  type ConstructUrlOptions,
  constructUrl,
  pathInfoPop,
  pathInfoSplit,
  resolveRelativeUrl,
} from './url.js'
