/*
 * Paste's PathProxyURLMap: a wrapper around a UrlMap whose entries may be file names (a
 * config file, a module) that a builder turns into apps, all mounted under one base URL.
 */
import type { App } from '@paste/core'
import type { UrlMap } from './index.js'
import { formatMountKey, type MountKey, parseMountKey } from './key.js'

/** Options for {@link pathProxyUrlMap}. */
export interface PathProxyUrlMapOptions {
  /**
   * The mount point every entry added through the wrapper goes under: a mount key (`/apps`,
   * `http://example.com/apps`), whose domain and port apply to entries that name none.
   * @default '' (entries are mounted where they say)
   */
  baseUrl?: string
  /** The directory string entries are file names in (no default: it must be given). */
  basePath: string
  /** Builds the App for a file (`basePath` + `/` + the entry's name); may be async. */
  builder: (file: string) => App | Promise<App>
}

/** A {@link UrlMap} whose entries can be files built into apps, under one base URL. */
export interface PathProxyUrlMap {
  /** The wrapped map: serve this one. */
  readonly map: UrlMap
  /**
   * Mounts an App, or the app `builder` makes of the file `name` under `basePath`, at `key`
   * under `baseUrl`. Resolves once mounted (a builder's failure rejects, nothing mounted).
   */
  set(key: string, app: App | string): Promise<PathProxyUrlMap>
  /** The key of the wrapped map that `key` is mounted at (`baseUrl` applied). */
  mountKey(key: string): string
}

const PKG = '@paste/urlmap'

/**
 * The file for a string entry, inside `basePath`: a relative name of plain segments. An
 * absolute name, a `..` or `.` segment, a backslash or a control character is refused, so an
 * entry can never name a file outside the directory the operator chose.
 */
function fileIn(basePath: string, name: string): string {
  if (typeof name !== 'string' || name === '' || name.length > 4096)
    throw new TypeError(`${PKG}: an app file name must be a non-empty string`)
  if (/[\\\u0000-\u001f\u007f]/.test(name) || name.startsWith('/') || /^[A-Za-z]:/.test(name))
    throw new TypeError(`${PKG}: app file ${JSON.stringify(name)} must be a relative name`)
  const segments = name.split('/')
  if (segments.some((s) => s === '..' || s === '.' || s === ''))
    throw new TypeError(`${PKG}: app file ${JSON.stringify(name)} must stay inside basePath`)
  return `${basePath.replace(/[/\\]+$/, '')}/${name}`
}

/** The key under the base: its domain and port unless the key names its own, paths joined. */
function under(base: MountKey, key: MountKey): MountKey {
  const own = key.host !== undefined || key.suffix !== undefined
  return {
    host: own ? key.host : base.host,
    suffix: own ? key.suffix : base.suffix,
    port: own ? key.port : base.port,
    path: base.path + key.path,
  }
}

/**
 * Wraps `map` so that entries are mounted under `baseUrl`, and an entry given as a string is
 * the file of that name under `basePath`, turned into an app by `builder` (Paste's
 * `PathProxyURLMap`, for apps described by configuration files).
 *
 * @example
 * const sites = pathProxyUrlMap(urlMap(), {
 *   baseUrl: '/sites',
 *   basePath: './sites',
 *   builder: async (file) => (await import(pathToFileURL(file).href)).default,
 * })
 * await sites.set('/blog', 'blog.mjs') // ./sites/blog.mjs, served at /sites/blog
 * serve(sites.map)
 */
export function pathProxyUrlMap(map: UrlMap, options: PathProxyUrlMapOptions): PathProxyUrlMap {
  if (typeof map !== 'function' || typeof map.set !== 'function')
    throw new TypeError(`${PKG}: pathProxyUrlMap needs a urlMap() to wrap`)
  const { basePath, builder } = options
  if (typeof basePath !== 'string' || basePath === '')
    throw new TypeError(`${PKG}: basePath must be a non-empty string`)
  if (typeof builder !== 'function') throw new TypeError(`${PKG}: builder must be a function`)
  const base = parseMountKey(options.baseUrl ?? '')
  const mountKey = (key: string) => formatMountKey(under(base, parseMountKey(key)))
  const wrapper: PathProxyUrlMap = {
    map,
    mountKey,
    async set(key, app) {
      const target = mountKey(key)
      const built = typeof app === 'string' ? await builder(fileIn(basePath, app)) : app
      if (typeof built !== 'function')
        throw new TypeError(`${PKG}: the builder must return an App for ${JSON.stringify(app)}`)
      map.set(target, built)
      return wrapper
    },
  }
  return wrapper
}
