/*
 * How urlParser turns a directory entry into an App: cached module Apps, static files, and
 * the directory's hook module.
 */
import { basename, extname, join } from 'node:path'
import { type App, type Context, createKey } from '@paste/core'
import { clientError, wantsFresh } from '@paste/fileapp'
import type { Listings, MatchRules } from './listing.js'
import {
  appFromModule,
  type Constructor,
  type DirectoryHooks,
  hooksFromModule,
  importModule,
} from './modules.js'
import type { StaticFiles } from './static.js'

/** Set when a request for `dir/` is answered by its index file (whose pathInfo is then `/`). */
export const indexKey = createKey<boolean>('@paste/urlparser.index')

/** State shared by every directory of one urlParser. */
export interface Shared {
  readonly root: string
  readonly statics: StaticFiles
  readonly listings: Listings
  readonly rules: MatchRules
  readonly indexNames: readonly string[]
  readonly moduleExtensions: readonly string[]
  readonly hookModule: string
  readonly constructors: Record<string, Constructor>
  readonly dotfiles: 'ignore' | 'deny' | 'allow'
  readonly apps: Map<string, Promise<App | undefined>>
  readonly hooks: Map<string, Promise<DirectoryHooks>>
}

export function cached(
  shared: Shared,
  path: string,
  make: () => Promise<App | undefined>,
): Promise<App | undefined> {
  let app = shared.apps.get(path)
  if (app === undefined) {
    app = make()
    shared.apps.set(path, app)
    app.catch(() => shared.apps.delete(path)) // a failed load is retried next time
  }
  return app
}

export async function loadApp(path: string, ctx: Context): Promise<App | undefined> {
  const module = await importModule(path, ctx.logger)
  if (module === undefined) return undefined
  const app = appFromModule(module, basename(path, extname(path)))
  if (!app)
    ctx.logger.warn(
      '@paste/urlparser: module exports no App (application, default or a factory named after the file)',
      { path },
    )
  return app
}

export function staticApp(shared: Shared, path: string): App {
  return async function staticFile(request, context) {
    // a file has no sub-paths (Paste's error_extra_path); an index file is reached as `dir/`
    const asIndex = context.pathInfo === '/' && context.get(indexKey) === true
    if (context.pathInfo !== '' && !asIndex) return clientError(404, request)
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response('Method Not Allowed\n', { status: 405, headers: { allow: 'GET, HEAD' } })
    const meta = await shared.statics.files.stat(path, wantsFresh(request))
    if (meta.kind !== 'file') return clientError(404, request)
    return shared.statics.serve(request, context, meta.file)
  }
}

export async function loadHooks(
  shared: Shared,
  dir: string,
  context: Context,
): Promise<DirectoryHooks> {
  let hooks = shared.hooks.get(dir)
  if (hooks === undefined) {
    hooks = (async () => {
      const names = await shared.listings.get(dir)
      for (const ext of shared.moduleExtensions) {
        const file = shared.hookModule + ext
        if (!names.includes(file)) continue
        const module = await importModule(join(dir, file), context.logger)
        if (module) return hooksFromModule(module, join(dir, file))
      }
      return {}
    })()
    shared.hooks.set(dir, hooks)
    hooks.catch(() => shared.hooks.delete(dir))
  }
  return hooks
}
