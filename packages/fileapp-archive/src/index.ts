import { resolve } from 'node:path'
import type { App, Context } from '@paste/core'
import {
  clientError,
  contentTypeOf,
  dataApp,
  methodNotAllowed,
  type Resolved,
  resolveInside,
  wantsFresh,
} from '@paste/fileapp'
import type { Member } from './archive.js'
import { type Loaded, MemberLoader } from './loader.js'
import { type ArchiveAppOptions, resolveOptions } from './options.js'
import { ArchiveStore, type Version } from './store.js'
import { indexTar } from './tar.js'
import { indexZip } from './zip.js'

export type { ArchiveAppOptions, ArchiveFormat } from './options.js'

function plain(status: 413 | 500, request: Request): Response {
  const text = status === 413 ? 'Content Too Large' : 'Internal Server Error'
  return new Response(request.method === 'HEAD' ? null : `${text}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })
}

/** A request path that can name a member. */
type Found = Extract<Resolved, { ok: true }>

/** The member a request names: itself, or a directory's index file. */
type Target = { key: string; member: Member } | { redirect: string } | undefined

/**
 * Serves the members of a zip, tar or gzipped tar archive by `context.pathInfo`, each as
 * `@paste/fileapp`'s `dataApp` would (Content-Type, ETag, Last-Modified, conditional and
 * Range requests, HEAD). The archive is indexed on the first request and again when the file
 * is replaced; members are read on demand, bounded by `maxMemberBytes`, and kept in an LRU
 * bounded by `cacheBytes`. Directories, links and unsafe names are 404s.
 *
 * @example
 * const site = urlMap({ '/docs': archiveApp('./docs.zip', { cacheControl: { maxAge: 600 } }) })
 */
export function archiveApp(path: string, options: ArchiveAppOptions = {}): App {
  const o = resolveOptions(resolve(path), options)
  const limits = {
    maxEntries: o.maxEntries,
    maxMemberBytes: o.maxMemberBytes,
    maxCompressionRatio: o.maxCompressionRatio,
  }
  const loader = new MemberLoader({
    cacheBytes: o.cacheBytes,
    logger: o.logger,
    path: o.path,
    maxCompressionRatio: o.format === 'zip' ? o.maxCompressionRatio : Infinity,
    build: (bytes, name, mtime) =>
      dataApp(bytes, {
        contentType: contentTypeOf(name, o.charset),
        lastModified: mtime,
        ...(o.cacheControl === undefined ? {} : { cacheControl: o.cacheControl }),
      }),
  })
  const store = new ArchiveStore({
    path: o.path,
    ttl: o.ttl,
    logger: o.logger,
    open: (file) => (o.format === 'zip' ? indexZip(file, limits) : indexTar(file, limits)),
    onVersion: () => loader.clear(),
  })
  const resolveOptionsOf = { dotfiles: o.dotfiles } as const

  const target = (context: Context, found: Found, members: Version & { ok: true }): Target => {
    const key = found.segments.join('/')
    const member = key === '' ? undefined : members.index.members.get(key)
    // a file named with a trailing slash is not that file (as in directoryApp)
    if (member?.kind === 'file') return found.trailingSlash ? undefined : { key, member }
    const isDirectory = key === '' || member?.kind === 'directory'
    if (!isDirectory || o.index.length === 0) return undefined
    for (const name of o.index) {
      const indexKey = key === '' ? name : `${key}/${name}`
      const file = members.index.members.get(indexKey)
      if (file?.kind !== 'file') continue
      // relative links in the index page need the slash
      if (!found.trailingSlash) return { redirect: slashLocation(context) }
      return { key: indexKey, member: file }
    }
    return undefined
  }

  const answer = (request: Request, context: Context, loaded: Loaded) =>
    loaded.ok ? loaded.app(request, context) : plain(500, request)

  const serve = (request: Request, context: Context, found: Found, version: Version) => {
    // the archive is missing or corrupt: logged once when it was indexed
    if (!version.ok) return plain(500, request)
    const t = target(context, found, version)
    if (t === undefined) return clientError(404, request)
    if ('redirect' in t)
      return new Response(null, { status: 301, headers: { location: t.redirect } })
    // the member exists: only GET and HEAD read it (Paste: 405 with Allow)
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed()
    // larger than we hold in memory: refused before anything is read or inflated
    if (t.member.size > o.maxMemberBytes) return plain(413, request)
    // a cached member answers synchronously; a read (or a failed one) is logged by the loader
    const loaded = loader.load(version, t.key, t.member)
    return loaded instanceof Promise
      ? loaded.then((l) => answer(request, context, l))
      : answer(request, context, loaded)
  }

  return function archiveApp(request, context) {
    // a path that cannot name a member: refused before the archive is even looked at
    const found = resolveInside('/', context.pathInfo, resolveOptionsOf)
    if (!found.ok) return clientError(found.status, request)
    const version = store.current(wantsFresh(request))
    return version instanceof Promise
      ? version.then((v) => serve(request, context, found, v))
      : serve(request, context, found, version)
  }
}

/** `/mount/dir/`: an absolute path from scriptName and pathInfo, never protocol-relative. */
function slashLocation(context: Context): string {
  return `${context.scriptName}${context.pathInfo}/`.replace(/^[/\\]+/, '/')
}
