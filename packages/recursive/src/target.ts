import { normalizePath } from '@paste/core'

/** A subrequest target, split like a context: a normalised pathInfo and a search. */
export interface Target {
  pathInfo: string
  /** `?query`, `''` for a bare `?`, or undefined when the path had no `?`. */
  search: string | undefined
}

// path-absolute [ "?" query ]  (RFC 3986 sections 3.3, 3.4); no scheme, authority or fragment
const TARGET = /^(\/[^?#]*)(\?[^#]*)?$/

/**
 * Parses a forward target: a path starting with `/` (relative to the recursive mount),
 * optionally with a query. The path is normalised as core normalises request paths, so it
 * can never climb above the mount. Returns `null` for anything else (an absolute URL, `//x`,
 * a fragment, a malformed escape).
 *
 * @example
 * parseTarget('/errors/../error?code=404') // { pathInfo: '/error', search: '?code=404' }
 * parseTarget('/page')                      // { pathInfo: '/page', search: undefined }
 */
export function parseTarget(path: string): Target | null {
  if (typeof path !== 'string' || path.startsWith('//')) return null
  const m = TARGET.exec(path)
  if (!m) return null
  const pathInfo = normalizePath(m[1]!)
  if (pathInfo === null) return null
  const search = m[2] === undefined ? undefined : m[2] === '?' ? '' : m[2]
  // whitespace and controls do not belong in a query (RFC 3986 section 3.4)
  if (search !== undefined && /[\s\u0000-\u001f\u007f]/.test(search)) return null
  return { pathInfo, search }
}
