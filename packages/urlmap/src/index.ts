import { type App, type Context, isPathPrefix } from '@paste/core'
import { BadRequest, NotFound } from '@paste/httpexceptions'
import { candidates, indexEntries, makeEntry, type UrlMapEntry, withEntry } from './entries.js'
import { formatMountKey, parseMountKey } from './key.js'
import { normalizePathInfo, splitHost } from './normalize.js'

export type { UrlMapEntry } from './entries.js'
export { type MountKey, parseMountKey, parsePathExpression } from './key.js'
export {
  type PathProxyUrlMap,
  type PathProxyUrlMapOptions,
  pathProxyUrlMap,
} from './path-proxy.js'

/** Options for {@link urlMap}. */
export interface UrlMapOptions {
  /** The app for requests no entry matches. @default a 404 page that echoes only the escaped path */
  notFound?: App
  /**
   * What an encoded slash or backslash (`%2F`, `%5C`) in the path means. `'data'`: a
   * character inside one segment, as core defines it (`/admin%2Fx` is not under `/admin`);
   * `'reject'`: answer 400, for apps behind this map that would decode it as a separator.
   * @default 'data'
   */
  encodedSlashes?: 'data' | 'reject'
}

/** An App that dispatches by mount, and the mutable map of its mounts. */
export interface UrlMap extends App {
  /** Mounts `app` at `key` (replacing what was there); returns the map. */
  set(key: string, app: App): UrlMap
  /** The app mounted at exactly `key`. */
  get(key: string): App | undefined
  /** Whether something is mounted at exactly `key`. */
  has(key: string): boolean
  /** Unmounts `key`; false if nothing was there. */
  delete(key: string): boolean
  /** The mounts in the order dispatch tries them. */
  list(): UrlMapEntry[]
  /** How many mounts there are. */
  readonly size: number
}

function defaultNotFound(request: Request, context: Context): Response {
  const path = `${context.scriptName}${context.pathInfo}`
  return new NotFound({ detail: `Nothing is mounted at ${path}` }).toResponse(request, context)
}

// an escape of "/" or "\" (RFC 3986 section 2.2: encoded, it is data, not a delimiter)
const ENCODED_SLASH = /%(?:2F|5C)/i

function entriesOf(mapping: Record<string, App> | Iterable<readonly [string, App]>) {
  const pairs =
    Symbol.iterator in mapping
      ? [...(mapping as Iterable<readonly [string, App]>)]
      : Object.entries(mapping)
  let list: UrlMapEntry[] = []
  for (const [key, app] of pairs) {
    const entry = makeEntry(key, app)
    const twin = list.find((e) => e.key === entry.key)
    if (twin)
      throw new TypeError(
        `@paste/urlmap: ${JSON.stringify(key)} and the mount ${JSON.stringify(twin.key)} are the same`,
      )
    list = withEntry(list, entry)
  }
  return list
}

/**
 * Dispatches each request to the app mounted at the longest matching path prefix (whole
 * segments only), after matching domain and port, and moves the matched prefix from pathInfo
 * to scriptName in the context the app sees (Paste's `URLMap`). The result is also a mutable
 * map: `set`, `get`, `has`, `delete`, `list`.
 *
 * @example
 * const site = urlMap({
 *   '/': home,
 *   '/blog': blog,
 *   'http://admin.example.com/': admin,
 *   'domain example.com port 8080 /api': api,
 * })
 * site.set('/docs', docs)
 */
export function urlMap(
  mapping: Record<string, App> | Iterable<readonly [string, App]> = {},
  options: UrlMapOptions = {},
): UrlMap {
  const notFound = options.notFound ?? defaultNotFound
  if (typeof notFound !== 'function') throw new TypeError('@paste/urlmap: notFound must be an App')
  const encoded = options.encodedSlashes ?? 'data'
  if (encoded !== 'data' && encoded !== 'reject')
    throw new TypeError("@paste/urlmap: encodedSlashes must be 'data' or 'reject'")
  const rejectEncoded = encoded === 'reject'
  let entries = entriesOf(mapping)
  // candidates by first path segment: a request tries only the entries it could match
  let index = indexEntries(entries)
  let withDomains = entries.some((e) => e.host !== undefined || e.suffix !== undefined)
  const update = (next: UrlMapEntry[]) => {
    entries = next
    index = indexEntries(next)
    withDomains = next.some((e) => e.host !== undefined || e.suffix !== undefined)
  }
  const keyOf = (key: string) => formatMountKey(parseMountKey(key))

  function urlMap(request: Request, context: Context): Response | Promise<Response> {
    const table = index // a set() during this request does not disturb it
    const pathInfo = normalizePathInfo(context.pathInfo)
    // malformed escapes cannot be matched safely (RFC 3986 section 2.1)
    if (pathInfo === null)
      return new BadRequest('Malformed request path').toResponse(request, context)
    // the operator asked that encoded separators never reach the mounted apps
    if (rejectEncoded && ENCODED_SLASH.test(pathInfo))
      return new BadRequest('Encoded slash in request path').toResponse(request, context)
    // the host is split only when some entry names a domain
    let name = ''
    let port = ''
    if (withDomains) [name, port] = splitHost(context.host, context.scheme)
    const list = candidates(table, pathInfo)
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!
      // domain and port first (explicit domains sort before wildcard and any-domain entries)
      if (
        e.host !== undefined ? e.host !== name : e.suffix !== undefined && !name.endsWith(e.suffix)
      )
        continue
      if (e.port !== undefined && e.port !== port) continue
      // then the path, on whole segments
      if (!isPathPrefix(e.path, pathInfo)) continue
      if (pathInfo === context.pathInfo)
        return e.app(request, e.path === '' ? context : context.shift(e.path))
      return e.app(
        request,
        context.derive({
          scriptName: context.scriptName + e.path,
          pathInfo: pathInfo.slice(e.path.length),
        }),
      )
    }
    return notFound(request, pathInfo === context.pathInfo ? context : context.derive({ pathInfo }))
  }

  const map = Object.assign(urlMap, {
    set(key: string, app: App): UrlMap {
      update(withEntry(entries, makeEntry(key, app)))
      return map as UrlMap
    },
    get: (key: string) => entries.find((e) => e.key === keyOf(key))?.app,
    has: (key: string) => entries.some((e) => e.key === keyOf(key)),
    delete(key: string): boolean {
      const k = keyOf(key)
      const before = entries.length
      update(entries.filter((e) => e.key !== k))
      return entries.length !== before
    },
    list: () => [...entries],
  })
  Object.defineProperty(map, 'size', { get: () => entries.length, enumerable: true })
  return map as typeof map & { readonly size: number }
}
