import type { Context } from '@paste/core'

/** Options for {@link constructUrl}. */
export interface ConstructUrlOptions {
  /** Include `context.pathInfo` (otherwise the URL of the mount point). @default true */
  withPathInfo?: boolean
  /** Include `context.search`. @default true */
  withQuery?: boolean
  /** Use this scriptName instead of the context's. */
  scriptName?: string
  /** Use this pathInfo instead of the context's (still percent-encoded). */
  pathInfo?: string
  /** Use this query (with or without its `?`) instead of the context's. */
  search?: string
}

/**
 * Rebuilds the URL the client sees for this request (Paste's `construct_url`): scheme and
 * host as the client sees them (trusted proxies honoured by core), scriptName, pathInfo and
 * the query, each optional.
 *
 * @example
 * constructUrl(context)                                     // 'https://h/app/page?x=1'
 * constructUrl(context, { withPathInfo: false, withQuery: false }) // 'https://h/app'
 */
export function constructUrl(context: Context, options: ConstructUrlOptions = {}): string {
  const scriptName = options.scriptName ?? context.scriptName
  const pathInfo = options.withPathInfo === false ? '' : (options.pathInfo ?? context.pathInfo)
  let search = options.withQuery === false ? '' : (options.search ?? context.search)
  if (search !== '' && search[0] !== '?') search = `?${search}`
  if (search === '?') search = ''
  return `${context.origin}${scriptName}${pathInfo}${search}`
}

/**
 * Splits the first segment off a pathInfo (Paste's `path_info_split`): `/a/b` gives
 * `['a', '/b']`, `/a` gives `['a', '']`, `/` and `''` give `['', '']`. The segment stays
 * percent-encoded, as pathInfo is. Never throws (a pathInfo without a leading `/` is read as
 * if it had one).
 *
 * @example
 * const [first, rest] = pathInfoSplit(context.pathInfo)
 */
export function pathInfoSplit(pathInfo: string): [first: string, rest: string] {
  let start = 0
  while (start < pathInfo.length && pathInfo.charCodeAt(start) === 47 /* / */) start++
  const slash = pathInfo.indexOf('/', start)
  if (slash === -1) return [pathInfo.slice(start), '']
  return [pathInfo.slice(start, slash), pathInfo.slice(slash)]
}

/**
 * Moves the first pathInfo segment to scriptName (Paste's `path_info_pop`) and returns it
 * with the derived context; the given context is unchanged. With an empty pathInfo the
 * segment is `undefined` and the context is returned as is. A pathInfo of `/` yields `''`
 * and an empty pathInfo (scriptName never ends with `/`, so the slash is dropped).
 *
 * @example
 * const [segment, inner] = pathInfoPop(context) // '/users/42' -> 'users', pathInfo '/42'
 * return userApp(request, inner)
 */
export function pathInfoPop(context: Context): [segment: string | undefined, context: Context] {
  const pathInfo = context.pathInfo
  if (pathInfo === '') return [undefined, context]
  const [first, rest] = pathInfoSplit(pathInfo)
  if (first === '') return ['', context.derive({ pathInfo: rest })]
  return [first, context.derive({ scriptName: `${context.scriptName}/${first}`, pathInfo: rest })]
}

/**
 * Resolves a URL relative to the current request's URL without its query (Paste's
 * `resolve_relative_url`), for redirects: an absolute URL is returned unchanged (normalised).
 * Throws a `TypeError` when `url` cannot be resolved. Note that it does not restrict the
 * result to this origin: check that before redirecting to a client-supplied URL.
 *
 * @example
 * resolveRelativeUrl('../login', context) // 'https://h/app/login' from https://h/app/admin/x
 */
export function resolveRelativeUrl(url: string, context: Context): string {
  const base = constructUrl(context, { withQuery: false })
  try {
    return new URL(url, base).href
  } catch {
    throw new TypeError(`@paste/request: cannot resolve URL ${JSON.stringify(url)}`)
  }
}
