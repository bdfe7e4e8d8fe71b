import { resolve } from 'node:path'
import type { App, Context } from '@paste/core'
import {
  clientError,
  createFileServer,
  type DirectoryAppOptions,
  type FileMeta,
  type FileServer,
  methodNotAllowed,
  resolveInside,
  rootGuard,
  wantsFresh,
} from '@paste/fileapp'
import { negotiateEncoding } from '@paste/request'
import { movedPermanently, slashLocation } from './location.js'

/**
 * Options for {@link staticParser}.
 *
 * @example
 * staticParser('./public', { index: ['index.html'], redirect: true, precompressed: ['br', 'gzip'] })
 */
export interface StaticParserOptions extends DirectoryAppOptions {
  /** Files served for a directory URL ending in `/`, first found wins; `[]` for none. @default ['index.html'] */
  index?: readonly string[]
  /** Redirect a directory URL without its trailing slash (301); `false` answers 404. @default true */
  redirect?: boolean
  /** Serve `file.br` / `file.gz` siblings to clients that accept them, in this order of preference. @default [] */
  precompressed?: readonly ('br' | 'gzip')[]
}

const SUFFIX = { br: '.br', gzip: '.gz' } as const

/** The parts of the static parser that urlParser reuses. */
export interface StaticFiles {
  readonly files: FileServer
  /** Serves a file already stat'ed, with precompressed siblings when enabled. */
  serve(request: Request, context: Context, file: FileMeta): Promise<Response>
  /** Whether a real path may be served (symlink policy). */
  allowed(realPath: string | undefined): boolean
}

/** Builds the file-serving half of a static parser (exported for urlParser). */
export function staticFiles(root: string, options: StaticParserOptions, pkg: string): StaticFiles {
  const files = createFileServer(options, pkg)
  const allowed = rootGuard(root, options.followSymlinks ?? false, pkg)
  const encodings = [...(options.precompressed ?? [])]
  for (const e of encodings)
    if (e !== 'br' && e !== 'gzip')
      throw new TypeError(`${pkg}: precompressed may only list 'br' and 'gzip'`)
  async function serve(request: Request, context: Context, file: FileMeta): Promise<Response> {
    if (encodings.length === 0) return files.respond(request, context.signal, file)
    // which siblings exist (their metadata is cached like any file's)
    const found = new Map<string, FileMeta>()
    for (const e of encodings) {
      const meta = await files.stat(file.path + SUFFIX[e])
      if (meta.kind === 'file' && allowed(meta.file.realPath)) found.set(e, meta.file)
    }
    const coding = negotiateEncoding(request.headers.get('accept-encoding'), [...found.keys()])
    const sibling = coding === undefined ? undefined : found.get(coding)
    const contentType = files.typeOf(file.path)
    if (sibling && coding)
      return files.respond(request, context.signal, sibling, {
        encoding: coding,
        contentType,
        varyEncoding: true,
      })
    return files.respond(request, context.signal, file, { varyEncoding: true })
  }
  return { files, serve, allowed }
}

/**
 * Serves a directory (Paste's StaticURLParser): index files, a redirect adding the trailing
 * slash to directories, dotfiles refused, symlinks leaving the root refused, precompressed
 * siblings when enabled. Everything fileApp does (ETag, conditional and Range requests) applies.
 *
 * @example
 * const assets = staticParser('./public', { cacheControl: { maxAge: 3600 }, precompressed: ['br', 'gzip'] })
 */
export function staticParser(
  root: string,
  options: StaticParserOptions = {},
  pkg = '@paste/urlparser',
): App {
  const dir = resolve(root)
  const { files, serve, allowed } = staticFiles(dir, options, pkg)
  const index = [...(options.index ?? ['index.html'])]
  const redirect = options.redirect ?? true
  const resolveOptions = { dotfiles: options.dotfiles ?? 'ignore' } as const
  const readable = (request: Request) => request.method === 'GET' || request.method === 'HEAD'
  // a directory: 405 unless GET/HEAD, the slash redirect (Paste's add_slash), or its index file
  async function directory(request: Request, context: Context, path: string, slash: boolean) {
    if (!readable(request)) return methodNotAllowed()
    if (!slash)
      return redirect ? movedPermanently(slashLocation(context)) : clientError(404, request)
    for (const name of index) {
      const candidate = await files.stat(`${path}/${name}`, wantsFresh(request))
      if (candidate.kind === 'file' && allowed(candidate.file.realPath))
        return serve(request, context, candidate.file)
    }
    return clientError(404, request) // no index file: no listings
  }
  return async function staticParser(request, context) {
    // the mount point itself
    if (context.pathInfo === '') return directory(request, context, dir, false)
    const target = resolveInside(dir, context.pathInfo, resolveOptions)
    // a name that cannot be a plain entry of the directory: refused before any file access
    if (!target.ok) return clientError(target.status, request)
    const meta = await files.stat(target.path, wantsFresh(request))
    // nothing here (whatever the method, so cascade can try the next app)
    if (meta.kind === 'missing') return clientError(meta.status, request)
    // a symlink (file or directory) leading out of the root
    if (!allowed(meta.kind === 'file' ? meta.file.realPath : meta.realPath))
      return clientError(404, request)
    if (meta.kind === 'directory')
      return directory(request, context, target.path, target.trailingSlash)
    // a file named with a trailing slash is not that file
    if (target.trailingSlash) return clientError(404, request)
    // the file exists: only GET and HEAD read it
    if (!readable(request)) return methodNotAllowed()
    return serve(request, context, meta.file)
  }
}
