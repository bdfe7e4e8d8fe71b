/*
 * The service URL and the ticket in the query. The service URL is built from the configured
 * base URL, never from the Host header (a client-chosen Host would otherwise choose where
 * the CAS server sends tickets).
 */
import type { Context } from '@paste/core'

// ticket = ( "ST-" / "PT-" ) 1*256unreserved   (CAS protocol 3.0 sections 3.1.1, 3.2.1:
// "MUST begin with ST- / PT-"; unreserved per RFC 3986 2.3, wider than the spec's
// [A-Za-z0-9-] because deployed servers use dots and underscores)
const TICKET = /^(?:ST|PT)-[A-Za-z0-9._~-]{1,256}$/

/** The ticket found in a query, and the query without it. */
export interface TicketQuery {
  /** The decoded `ticket` value; `undefined` if there is none, `null` if malformed. */
  ticket: string | undefined | null
  /** The query without the `ticket` parameter, with its `?`, or `''`. */
  rest: string
}

/**
 * Splits the `ticket` parameter off a query (wherever the CAS server put it), keeping the
 * other parameters byte for byte so the service URL matches the one sent to the server.
 *
 * @example
 * splitTicket('?ticket=ST-1&x=1') // { ticket: 'ST-1', rest: '?x=1' }
 */
export function splitTicket(search: string): TicketQuery {
  if (search === '' || search === '?') return { ticket: undefined, rest: '' }
  const kept: string[] = []
  let ticket: string | undefined | null
  for (const pair of search.slice(1).split('&')) {
    const eq = pair.indexOf('=')
    const name = eq === -1 ? pair : pair.slice(0, eq)
    if (name !== 'ticket') {
      kept.push(pair)
      continue
    }
    // a second ticket, a bad escape or a bad ticket shape: malformed credentials
    const value = eq === -1 ? '' : safeDecode(pair.slice(eq + 1))
    ticket = ticket === undefined && value !== null && TICKET.test(value) ? value : null
  }
  return { ticket, rest: kept.length > 0 ? `?${kept.join('&')}` : '' }
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return null
  }
}

/**
 * The service URL for a request: the configured base, the mount point, the path and the
 * query without the ticket.
 *
 * @example
 * serviceUrl('https://app.example.org', context, '?x=1') // 'https://app.example.org/docs?x=1'
 */
export function serviceUrl(baseUrl: string, context: Context, rest: string): string {
  return `${baseUrl}${context.scriptName}${context.pathInfo || (context.scriptName ? '' : '/')}${rest}`
}

/**
 * Builds a CAS endpoint URL with its query, every value URL-encoded.
 *
 * @example
 * endpoint('https://cas/cas', '/validate', { service, ticket }) // ...?service=...&ticket=...
 */
export function endpoint(
  server: string,
  path: string,
  params: Record<string, string | undefined>,
): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) query.set(name, value)
  return `${server}${path}?${query}`
}

/**
 * Checks and normalises a configured absolute http(s) URL (no query, fragment or trailing
 * slash); throws a `TypeError` naming the option.
 */
export function checkBase(value: unknown, option: string): string {
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw new TypeError(`@paste/auth-cas: ${option} must be an absolute http(s) URL`)
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.search ||
    url.hash ||
    url.username
  )
    throw new TypeError(
      `@paste/auth-cas: ${option} must be an http(s) URL without query or credentials`,
    )
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}
