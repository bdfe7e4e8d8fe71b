import { createHash } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import type { App, Context } from '@paste/core'
import { cachePolicy, contentDisposition, type DispositionOptions } from './headers.js'
import { formatHttpDate } from './http-date.js'
import { type DotfilePolicy, isInside, resolveInside } from './resolve.js'
import { type Representation, respond } from './respond.js'
import {
  contentTypeOf,
  createFileServer,
  type HeadersInitLike,
  type ServeFileOptions,
} from './server.js'

const ALLOW = 'GET, HEAD'

/**
 * 405 for anything but GET and HEAD (RFC 9110 section 15.5.6: with Allow).
 *
 * @example
 * if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed()
 */
export function methodNotAllowed(): Response {
  return new Response('Method Not Allowed\n', {
    status: 405,
    headers: { allow: ALLOW, 'content-type': 'text/plain; charset=utf-8' },
  })
}

/**
 * A plain client error carrying nothing of the request (no path, no URL).
 *
 * @example
 * if (!target.ok) return clientError(target.status)
 */
export function clientError(status: 400 | 403 | 404): Response {
  const text = status === 400 ? 'Bad Request' : status === 403 ? 'Forbidden' : 'Not Found'
  return new Response(`${text}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })
}

/**
 * Whether the client asked caches to revalidate (`no-cache`, `max-age=0`): re-stat the file.
 *
 * @example
 * const meta = await files.stat(path, wantsFresh(request))
 */
export function wantsFresh(request: Request): boolean {
  const cc = request.headers.get('cache-control')
  return cc !== null && /(?:^|,)\s*(?:no-cache|max-age=0)\s*(?:,|$)/i.test(cc)
}

/** Options for {@link fileApp}. */
export interface FileAppOptions extends ServeFileOptions {}

/**
 * Serves one file: Content-Type from the `mime` database, strong ETag and Last-Modified,
 * conditional and Range requests, HEAD. A missing file is a 404.
 *
 * @example
 * const favicon = fileApp('./public/favicon.ico', { cacheControl: { maxAge: 86400 } })
 */
export function fileApp(path: string, options: FileAppOptions = {}): App {
  const file = resolve(path)
  const files = createFileServer(options)
  return async function fileApp(request, context) {
    // only GET and HEAD read a file (Paste: 405 with Allow)
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed()
    const meta = await files.stat(file, wantsFresh(request))
    // a missing or unreadable file: 404 / 403, without its path
    if (meta.kind !== 'file') return clientError(meta.kind === 'missing' ? meta.status : 404)
    return files.respond(request, context.signal, meta.file)
  }
}

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
  const keep: [string, string][] = [
    ['etag', etag],
    ['last-modified', formatHttpDate(lastModified)],
  ]
  if (cache) keep.push(['cache-control', cache.cacheControl])
  const headers: [string, string][] = [
    ['content-type', contentType],
    ['accept-ranges', 'bytes'],
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

/** Options for {@link directoryApp}. */
export interface DirectoryAppOptions extends ServeFileOptions {
  /** Names starting with a dot: `ignore` (404), `deny` (403) or `allow`. @default 'ignore' */
  dotfiles?: DotfilePolicy
  /** Serve files whose symlinks lead outside the root. @default false */
  followSymlinks?: boolean
}

/**
 * Serves the files under a directory by pathInfo (Paste's DirectoryApp). Directories,
 * missing files, dotfiles and anything outside the root are 404s; malformed names 400s.
 *
 * @example
 * const site = urlMap({ '/static': directoryApp('./public', { cacheControl: { maxAge: 600 } }) })
 */
export function directoryApp(root: string, options: DirectoryAppOptions = {}): App {
  const dir = resolve(root)
  const files = createFileServer(options)
  const guard = rootGuard(dir, options.followSymlinks ?? false)
  const resolveOptions = { dotfiles: options.dotfiles ?? 'ignore' } as const
  return async function directoryApp(request, context) {
    // only GET and HEAD
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed()
    const target = resolveInside(dir, context.pathInfo, resolveOptions)
    // a name that cannot be a plain entry of the directory: refused, nothing read
    if (!target.ok) return clientError(target.status)
    const meta = await files.stat(target.path, wantsFresh(request))
    // directories and missing files are not served
    if (meta.kind !== 'file' || target.trailingSlash)
      return clientError(meta.kind === 'missing' ? meta.status : 404)
    // a symlink leading out of the root
    if (!guard(meta.file.realPath)) return clientError(404)
    return files.respond(request, context.signal, meta.file)
  }
}

/**
 * Checks a real path against the root's real path (or accepts all when links may leave it).
 * Throws a TypeError when the root does not exist.
 *
 * @example
 * const allowed = rootGuard('/srv/static', false)
 * allowed('/srv/static-secret/key') // false
 */
export function rootGuard(
  root: string,
  followSymlinks: boolean,
  pkg = '@paste/fileapp',
): (real: string | undefined) => boolean {
  let realRoot: string
  try {
    realRoot = realpathSync(root)
  } catch {
    throw new TypeError(`${pkg}: root ${JSON.stringify(root)} does not exist`)
  }
  if (followSymlinks) return () => true
  return (real) => real !== undefined && isInside(real, realRoot)
}
