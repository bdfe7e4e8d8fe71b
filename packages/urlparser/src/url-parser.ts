import { extname, join, resolve } from 'node:path'
import { type App, type Context, createKey } from '@paste/core'
import { clientError, resolveInside, wantsFresh } from '@paste/fileapp'
import { cached, indexKey, loadApp, loadHooks, type Shared, staticApp } from './construct.js'
import { Listings, matchName } from './listing.js'
import { movedPermanently, slashLocation } from './location.js'
import type { Constructor, DirectoryHooks } from './modules.js'
import { type StaticParserOptions, staticFiles } from './static.js'

/**
 * Options for {@link urlParser}.
 *
 * @example
 * urlParser('./site', { moduleExtensions: ['.js', '.mjs'], hideExtensions: ['.json'] })
 */
export interface UrlParserOptions extends Omit<StaticParserOptions, 'index' | 'redirect'> {
  /** Base names tried for a directory URL ending in `/`. @default ['index', 'Index', 'main', 'Main'] */
  indexNames?: readonly string[]
  /** Files ending with these are never served or matched. @default ['.bak', '.orig', '.swp', '~'] */
  hideExtensions?: readonly string[]
  /** Files with these extensions match only when the URL names the extension too. @default [] */
  ignoreExtensions?: readonly string[]
  /** Extensions loaded as App modules (never served as text; skipped if the runtime cannot load them). @default ['.js', '.mjs', '.ts', '.mts'] */
  moduleExtensions?: readonly string[]
  /** Base name of the per-directory hook module. @default '_urlparser' */
  hookModule?: string
  /** Constructors by extension (`.md`), `dir` or `*`; hook modules add their own per directory. @default {} */
  constructors?: Record<string, Constructor>
}

/** Set while a directory's notFound hook runs, so a re-dispatch that misses again is a plain 404. */
const notFoundKey = createKey<object>('@paste/urlparser.notFound')

/**
 * Traverses a directory tree (Paste's URLParser): a module file exporting an App answers with
 * the rest of the path in pathInfo, static files are served, directories recurse, and a
 * `_urlparser` module per directory can hook, wrap, add constructors or handle not-found.
 *
 * @example
 * const site = urlParser('./site', { indexNames: ['index'] })
 * // ./site/blog.mjs exporting `application` answers /blog/2024/05 with pathInfo '/2024/05'
 */
export function urlParser(root: string, options: UrlParserOptions = {}): App {
  const dir = resolve(root)
  const hookModule = options.hookModule ?? '_urlparser'
  const moduleExtensions = [...(options.moduleExtensions ?? ['.js', '.mjs', '.ts', '.mts'])]
  const hookNames = new Set(moduleExtensions.map((e) => hookModule + e))
  const dotfiles = options.dotfiles ?? 'ignore'
  const shared: Shared = {
    root: dir,
    statics: staticFiles(dir, options, '@paste/urlparser'),
    listings: new Listings(options.statTtl ?? 1000),
    rules: {
      hideExtensions: [...(options.hideExtensions ?? ['.bak', '.orig', '.swp', '~'])],
      ignoreExtensions: [...(options.ignoreExtensions ?? [])],
      hidden: (name) => hookNames.has(name) || (name.startsWith('.') && dotfiles !== 'allow'),
    },
    indexNames: [...(options.indexNames ?? ['index', 'Index', 'main', 'Main'])],
    moduleExtensions,
    hookModule,
    constructors: { ...options.constructors },
    dotfiles,
    apps: new Map(),
    hooks: new Map(),
  }
  return directoryParser(shared, dir)
}

function directoryParser(shared: Shared, dir: string): App {
  const self: App = async function urlParser(request, context) {
    // the directory itself: add the slash (Paste's add_slash)
    if (context.pathInfo === '') return movedPermanently(slashLocation(context))
    const hooks = await loadHooks(shared, dir, context)
    // urlparser_hook: may move a prefix into scriptName or set a context slot
    const ctx = (await hooks.hook?.(request, context)) ?? context
    const found = hooks.application
      ? { app: hooks.application, ctx }
      : await find(shared, dir, hooks, request, ctx)
    if (found === undefined || 'status' in found) {
      // not_found_hook, once per directory: a re-dispatch that misses again is a plain 404
      if (hooks.notFound && ctx.get(notFoundKey) !== self)
        return hooks.notFound(request, ctx.with(notFoundKey, self), self)
      return clientError(found?.status ?? 404, request)
    }
    // urlparser_wrap
    if (hooks.wrap) return hooks.wrap(found.app, request, found.ctx)
    return found.app(request, found.ctx)
  }
  return self
}

type Found = { app: App; ctx: Context } | { status: 400 | 403 | 404 } | undefined

async function find(
  shared: Shared,
  dir: string,
  hooks: DirectoryHooks,
  request: Request,
  ctx: Context,
): Promise<Found> {
  const segment = firstSegment(ctx.pathInfo)
  // the segment must be a plain name (no separators, NUL, dot segments, over-long names)
  const check = resolveInside(dir, segment === '' ? '' : `/${segment}`, {
    dotfiles: shared.dotfiles,
  })
  if (!check.ok) return { status: check.status }
  const names = await shared.listings.get(dir, wantsFresh(request))
  let name: string | undefined
  if (segment === '') {
    for (const index of shared.indexNames) {
      const m = matchName(names, index, shared.rules)
      if (m && 'name' in m) {
        name = m.name
        break
      }
    }
  } else {
    const m = matchName(names, check.segments[0]!, shared.rules)
    if (m && 'ambiguous' in m)
      ctx.logger.warn('@paste/urlparser: ambiguous URL', {
        url: ctx.url.pathname,
        matches: m.ambiguous,
      })
    if (m && 'name' in m) name = m.name
  }
  if (name === undefined) return undefined
  // the entry came from readdir: join cannot leave the directory
  const path = join(dir, name)
  const next = segment === '' ? ctx.with(indexKey, true) : ctx.shift(`/${segment}`)
  const app = await application(shared, path, hooks, next)
  return app ? { app, ctx: next } : undefined
}

function firstSegment(pathInfo: string): string {
  const slash = pathInfo.indexOf('/', 1)
  return slash === -1 ? pathInfo.slice(1) : pathInfo.slice(1, slash)
}

async function application(
  shared: Shared,
  path: string,
  hooks: DirectoryHooks,
  ctx: Context,
): Promise<App | undefined> {
  const meta = await shared.statics.files.stat(path)
  if (meta.kind === 'missing') return undefined
  // a symlink leading out of the root is not followed
  if (!shared.statics.allowed(meta.kind === 'file' ? meta.file.realPath : meta.realPath))
    return undefined
  const type = meta.kind === 'directory' ? 'dir' : extname(path)
  const constructors = { ...shared.constructors, ...hooks.constructors }
  const custom = constructors[type]
  if (custom) return custom(path, ctx)
  if (type === 'dir') return cached(shared, path, async () => directoryParser(shared, path))
  if (shared.moduleExtensions.includes(type)) return cached(shared, path, () => loadApp(path, ctx))
  if (constructors['*']) return constructors['*'](path, ctx)
  return staticApp(shared, path)
}
