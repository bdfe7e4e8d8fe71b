/*
 * Ready-made predicates for choosing an authentication method. Each reads only the request
 * and context and never throws, whatever the headers hold.
 */
import type { Context } from '@paste/core'

/** Decides whether a method applies to a request. */
export type AuthPredicate = (request: Request, context: Context) => boolean

// token = 1*tchar  (RFC 9110 section 5.6.2)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * Tells whether the client is a browser navigating to a page: `Sec-Fetch-Mode: navigate`,
 * or an Accept header naming `text/html` or `application/xhtml+xml` with a non-zero q
 * (RFC 9110 section 12.5.1). API clients that send `Accept: application/json` or `*\/*`
 * are not browsers.
 *
 * @example
 * authMulti({ methods: [{ name: 'form', when: isBrowser, use: authForm(...) }], ... })
 */
export const isBrowser: AuthPredicate = (request) => {
  if (request.headers.get('sec-fetch-mode') === 'navigate') return true
  return acceptsHtml(request.headers.get('accept'))
}

/**
 * Tells whether an Accept header asks for HTML with a non-zero quality.
 *
 * @example
 * acceptsHtml('text/html,application/xhtml+xml;q=0.9') // true
 */
export function acceptsHtml(accept: string | null): boolean {
  if (!accept || accept.length > 4096) return false
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';')
    const media = type.trim().toLowerCase()
    if (media !== 'text/html' && media !== 'application/xhtml+xml') continue
    // weight = OWS ";" OWS "q=" qvalue ; qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)).find(Boolean)
    if (!q || Number(q[1]) > 0) return true
  }
  return false
}

/**
 * A predicate that is true when the request carries credentials for `scheme` in its
 * Authorization header (compared case-insensitively, RFC 9110 section 11.1).
 *
 * @example
 * { name: 'basic', when: hasAuthorization('basic'), use: authBasic(...) }
 */
export function hasAuthorization(scheme: string): AuthPredicate {
  if (!TOKEN.test(scheme))
    throw new TypeError(`@paste/auth-multi: hasAuthorization: not an auth scheme: ${scheme}`)
  const wanted = scheme.toLowerCase()
  return (request) => {
    const header = request.headers.get('authorization')
    if (!header) return false
    const space = header.indexOf(' ')
    return (space === -1 ? header : header.slice(0, space)).toLowerCase() === wanted
  }
}

/**
 * A predicate that is true when the query has the parameter `name` equal to `value` (Paste's
 * `set_query_argument`, which looked for the text anywhere in the query string; this one
 * compares whole decoded parameters).
 *
 * @example
 * { name: 'digest', when: queryParameter('*authmeth', 'digest'), use: authDigest(...) }
 */
export function queryParameter(name: string, value: string): AuthPredicate {
  return (_request, context) => {
    if (context.search === '' || context.search.length > 8192) return false
    return new URLSearchParams(context.search).getAll(name).includes(value)
  }
}
