/*
 * The file-serving engine shared by fileApp, directoryApp and @paste/urlparser: a metadata
 * cache, representations (headers precomputed once per file version) and the responder.
 */
import mime from 'mime'
import {
  type CacheControlOptions,
  cachePolicy,
  contentDisposition,
  type DispositionOptions,
} from './headers.js'
import { formatHttpDate } from './http-date.js'
import { type FileMeta, type Meta, MetaCache } from './meta.js'
import { type Representation, type RespondSettings, respond } from './respond.js'

/** Anything `new Headers()` accepts. */
export type HeadersInitLike = ConstructorParameters<typeof Headers>[0]

/** Options shared by every file-serving app. */
export interface ServeFileOptions {
  /** Content-Type for every file, instead of looking the name up in the `mime` database. */
  contentType?: string
  /** charset added to text types (`text/*`, JavaScript, JSON, XML); `false` adds none. @default 'utf-8' */
  charset?: string | false
  /** Cache-Control: a literal value or directives (Expires follows `maxAge`). @default none */
  cacheControl?: string | CacheControlOptions
  /** Content-Disposition: `'attachment'`, `'inline'` or `{ type, filename }`. @default none */
  disposition?: 'attachment' | 'inline' | DispositionOptions
  /** Extra headers on every 200/206 (e.g. a Content-Security-Policy). @default none */
  headers?: HeadersInitLike
  /** More ranges than this in one Range header and it is ignored (200). @default 16 */
  maxRanges?: number
  /** Serve overlapping ranges instead of ignoring the header. @default false */
  allowOverlappingRanges?: boolean
  /** How long file metadata is trusted, in ms (0: stat every request). @default 1000 */
  statTtl?: number
  /** Invalidate metadata with fs.watch instead of the TTL (one watcher per cached file). @default false */
  watch?: boolean
  /** Files up to this many bytes are kept in memory with their metadata. @default 16384 */
  inlineBytes?: number
  /** Most files whose metadata is cached. @default 1024 */
  maxCachedFiles?: number
}

/** Per-response overrides (precompressed variants, urlparser's content types). */
export interface RepresentationOverrides {
  /** Content-Encoding of the stored bytes (`br`, `gzip`). */
  encoding?: string
  /** Content-Type to use instead of the file name's. */
  contentType?: string
  /** Add `Vary: Accept-Encoding`. */
  varyEncoding?: boolean
}

/** The engine behind the apps; urlparser builds on it. */
export interface FileServer {
  /** Metadata of `path`, cached (`fresh` reloads it). */
  stat(path: string, fresh?: boolean): Meta | Promise<Meta>
  /** Answers GET/HEAD for a file whose metadata was just read. */
  respond(
    request: Request,
    signal: AbortSignal | undefined,
    file: FileMeta,
    overrides?: RepresentationOverrides,
  ): Response
  /** Content-Type for a file name under these options. */
  typeOf(name: string): string
  /** Drops all cached metadata and closes watchers. */
  clear(): void
}

const NO_OVERRIDES: RepresentationOverrides = Object.freeze({})

const TEXTUAL =
  /^(?:text\/|application\/(?:javascript|json|xml|manifest\+json)|image\/svg\+xml)|\+(?:json|xml)$/

/**
 * Content-Type for a file name: the `mime` database, and a charset for text types.
 *
 * @example
 * contentTypeOf('app.js') // 'text/javascript; charset=utf-8'
 */
export function contentTypeOf(name: string, charset: string | false = 'utf-8'): string {
  const type = mime.getType(name) ?? 'application/octet-stream'
  return charset && TEXTUAL.test(type) ? `${type}; charset=${charset}` : type
}

function count(
  pkg: string,
  name: string,
  value: number | undefined,
  fallback: number,
  min = 0,
): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min)
    throw new TypeError(`${pkg}: ${name} must be an integer >= ${min}`)
  return value
}

/**
 * Creates the engine. Options are checked here (TypeError naming the option).
 *
 * @example
 * const files = createFileServer({ cacheControl: { maxAge: 3600 } })
 * const meta = await files.stat('/srv/static/app.js')
 * if (meta.kind === 'file') return files.respond(request, context.signal, meta.file)
 */
export function createFileServer(
  options: ServeFileOptions = {},
  pkg = '@paste/fileapp',
): FileServer {
  const cache =
    options.cacheControl === undefined ? undefined : cachePolicy(options.cacheControl, pkg)
  const disposition =
    options.disposition === undefined
      ? undefined
      : contentDisposition(
          typeof options.disposition === 'string'
            ? { type: options.disposition }
            : options.disposition,
          pkg,
        )
  const extra = [...new Headers(options.headers)]
  const charset = options.charset ?? 'utf-8'
  const metas = new MetaCache({
    ttl: count(pkg, 'statTtl', options.statTtl, 1000),
    watch: options.watch ?? false,
    maxEntries: count(pkg, 'maxCachedFiles', options.maxCachedFiles, 1024, 1),
    inlineBytes: count(pkg, 'inlineBytes', options.inlineBytes, 16384),
    resolveLinks: true,
  })
  const settings: RespondSettings = {
    maxRanges: count(pkg, 'maxRanges', options.maxRanges, 16, 1),
    allowOverlap: options.allowOverlappingRanges ?? false,
    cache,
    onChanged: (path) => metas.invalidate(path),
  }
  const typeOf = (name: string) => options.contentType ?? contentTypeOf(name, charset)
  const reps = new WeakMap<FileMeta, Map<string, Representation>>()
  // the representation without overrides, found without building a key string
  const plainReps = new WeakMap<FileMeta, Representation>()

  function plainRepresentation(file: FileMeta): Representation {
    let rep = plainReps.get(file)
    if (rep === undefined) plainReps.set(file, (rep = representation(file, NO_OVERRIDES)))
    return rep
  }

  function representation(file: FileMeta, o: RepresentationOverrides): Representation {
    const key = `${o.encoding ?? ''}|${o.contentType ?? ''}|${o.varyEncoding ? 1 : 0}`
    let byKey = reps.get(file)
    const found = byKey?.get(key)
    if (found) return found
    const contentType = o.contentType ?? typeOf(file.path)
    const etag = o.encoding ? `${file.etag.slice(0, -1)}-${o.encoding}"` : file.etag
    const lastModified = formatHttpDate(file.lastModified)
    // what a 304 keeps (RFC 9110 section 15.4.5): not Last-Modified, as there is an ETag
    const notModified: [string, string][] = [['etag', etag]]
    if (cache) notModified.push(['cache-control', cache.cacheControl])
    if (o.varyEncoding) notModified.push(['vary', 'Accept-Encoding'])
    const headers: [string, string][] = [
      ['content-type', contentType],
      ['accept-ranges', 'bytes'],
      ['last-modified', lastModified],
      ...notModified,
    ]
    if (o.encoding) headers.push(['content-encoding', o.encoding])
    if (disposition) headers.push(['content-disposition', disposition])
    headers.push(...extra)
    const rep: Representation = {
      size: file.size,
      validators: { etag, lastModified: file.lastModified },
      contentType,
      headers,
      notModifiedHeaders: notModified,
      // Expires changes every second: only a policy without it can share one 304 init
      notModifiedInit:
        cache?.expires === undefined
          ? Object.freeze({
              status: 304,
              headers: Object.freeze(Object.fromEntries(notModified)),
            })
          : undefined,
      file,
      bytes: undefined,
    }
    if (!byKey) reps.set(file, (byKey = new Map()))
    byKey.set(key, rep)
    return rep
  }

  return {
    stat: (path, fresh) => metas.get(path, fresh),
    respond: (request, signal, file, overrides) =>
      respond(
        request,
        overrides === undefined ? plainRepresentation(file) : representation(file, overrides),
        settings,
        signal,
      ),
    typeOf,
    clear: () => metas.clear(),
  }
}
