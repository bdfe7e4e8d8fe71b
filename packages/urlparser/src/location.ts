/*
 * The Location of the "add a trailing slash" redirect. It is an absolute path built from the
 * normalised scriptName and pathInfo, never from the Host header, and never
 * protocol-relative: leading runs of `/` or `\` collapse to one, so `//evil.com/x` can only
 * ever mean this host's `/evil.com/x` (RFC 9110 section 10.2.2, RFC 3986 section 4.2).
 */
import type { Context } from '@paste/core'

// Characters allowed verbatim in a query (RFC 3986 section 3.4); anything else is escaped.
const QUERY_UNSAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]+/g

function escapeQuery(search: string): string {
  try {
    return search.replace(QUERY_UNSAFE, (run) => encodeURIComponent(run))
  } catch {
    return '' // a lone surrogate: drop the query rather than fail
  }
}

/**
 * The path of the current request with a `/` added, and its query.
 *
 * @example
 * slashLocation(context) // '/docs/' for a request to /docs?x=1 -> '/docs/?x=1'
 */
export function slashLocation(context: Context): string {
  const path = `${context.scriptName}${context.pathInfo}/`.replace(/^[/\\]+/, '/')
  return path + escapeQuery(context.search)
}

/** A 301 to `location` (no body: the Location says it all). */
export function movedPermanently(location: string): Response {
  return new Response(null, { status: 301, headers: { location } })
}
