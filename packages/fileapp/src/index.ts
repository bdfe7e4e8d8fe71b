export { type DirectoryAppOptions, directoryApp, type FileAppOptions, fileApp } from './apps.js'
export { clientError, methodNotAllowed, rootGuard, wantsFresh } from './common.js'
export { type DataAppOptions, dataApp } from './data-app.js'
export { FILE_SOURCE, type FileSource, fileSource } from './fast.js'
export type { CacheControlOptions, DispositionOptions } from './headers.js'
export { formatHttpDate, parseHttpDate } from './http-date.js'
export type { FileMeta, Meta } from './meta.js'
export { type ByteRange, planRanges, type RangeLimits, type RangePlan } from './range.js'
export {
  type DotfilePolicy,
  isInside,
  type Resolved,
  type ResolveOptions,
  resolveInside,
} from './resolve.js'
export {
  contentTypeOf,
  createFileServer,
  type FileServer,
  type HeadersInitLike,
  type RepresentationOverrides,
  type ServeFileOptions,
} from './server.js'
