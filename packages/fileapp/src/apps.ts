import { resolve } from 'node:path'
import type { App, Context } from '@paste/core'
import { clientError, methodNotAllowed, rootGuard, wantsFresh } from './common.js'
import type { Meta } from './meta.js'
import { type DotfilePolicy, type Resolved, resolveInside } from './resolve.js'
import { createFileServer, type ServeFileOptions } from './server.js'

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
  const serve = (request: Request, context: Context, meta: Meta): Response => {
    // a missing or unreadable file: 404 / 403, without its path
    if (meta.kind !== 'file')
      return clientError(meta.kind === 'missing' ? meta.status : 404, request)
    return files.respond(request, context.signal, meta.file)
  }
  return function fileApp(request, context) {
    // only GET and HEAD read a file (Paste: 405 with Allow)
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed()
    const meta = files.stat(file, wantsFresh(request))
    // cached metadata answers synchronously: no promise for the usual request
    return meta instanceof Promise
      ? meta.then((m) => serve(request, context, m))
      : serve(request, context, meta)
  }
}

/** Most request paths whose resolution a directoryApp remembers, and the longest one. */
const RESOLVED_MAX = 1024
const RESOLVED_KEY_MAX = 256

/** A request path that resolved to a name inside the root. */
type Found = Extract<Resolved, { ok: true }>

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
  // resolveInside is pure: its answers for recent paths are kept (bounded, emptied when full)
  const resolved = new Map<string, Resolved>()
  const serve = (request: Request, context: Context, target: Found, meta: Meta): Response => {
    // directories and missing files are not served
    if (meta.kind !== 'file' || target.trailingSlash)
      return clientError(meta.kind === 'missing' ? meta.status : 404, request)
    // a symlink leading out of the root
    if (!guard(meta.file.realPath)) return clientError(404, request)
    // the file exists: only GET and HEAD read it (a missing one stays 404 for any method)
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed()
    return files.respond(request, context.signal, meta.file)
  }
  return function directoryApp(request, context) {
    let target = resolved.get(context.pathInfo)
    if (target === undefined) {
      target = resolveInside(dir, context.pathInfo, resolveOptions)
      if (context.pathInfo.length <= RESOLVED_KEY_MAX) {
        if (resolved.size >= RESOLVED_MAX) resolved.clear()
        resolved.set(context.pathInfo, target)
      }
    }
    // a name that cannot be a plain entry of the directory: refused, nothing read
    if (!target.ok) return clientError(target.status, request)
    const found = target
    const meta = files.stat(found.path, wantsFresh(request))
    // cached metadata answers synchronously: no promise for the usual request
    return meta instanceof Promise
      ? meta.then((m) => serve(request, context, found, m))
      : serve(request, context, found, meta)
  }
}
