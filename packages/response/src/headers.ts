/*
 * Header helpers (Paste's paste.response has_header / replace_header / remove_header).
 * A Response from fetch(), Response.redirect() or Response.error() has immutable headers;
 * these helpers never assume mutability: given a Response they work on
 * mutableResponse(response) and return it. Set-Cookie values stay separate
 * (Headers.getSetCookie()); they are never folded into one comma-joined line.
 */

// Fetch "null body status": responses with these statuses carry no body.
const NULL_BODY = new Set([101, 103, 204, 205, 304])

/**
 * Tells whether a status must not carry a body (Fetch standard "null body status").
 *
 * @example
 * const body = isNullBodyStatus(status) ? null : text
 */
export function isNullBodyStatus(status: number): boolean {
  return NULL_BODY.has(status)
}

function headersOf(target: Response | Headers): Headers {
  return target instanceof Headers ? target : target.headers
}

function headersAreMutable(headers: Headers): boolean {
  try {
    // An immutable Headers throws before looking the name up, so this changes nothing.
    headers.delete('x-paste-mutability-probe')
    return true
  } catch {
    return false
  }
}

/**
 * Returns `response` itself when its headers can be changed, otherwise a copy with the same
 * status, headers and body (the body stream is moved, not read). A `Response.error()` (status
 * 0) cannot be copied and is returned as is.
 *
 * @example
 * const response = mutableResponse(await fetch(upstream))
 * response.headers.set('x-proxied', '1')
 */
export function mutableResponse(response: Response): Response {
  if (response.type === 'error' || headersAreMutable(response.headers)) return response
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
}

/**
 * Tells whether a header is present (case-insensitive).
 *
 * @example
 * if (!hasHeader(response, 'cache-control')) response = replaceHeader(response, 'cache-control', 'no-store')
 */
export function hasHeader(target: Response | Headers, name: string): boolean {
  const headers = target instanceof Headers ? target : target.headers
  return headers.has(name)
}

/**
 * Replaces every value of a header by `value` (several values are appended one by one, so a
 * list of Set-Cookie strings stays a list). Given a Response, returns a mutable one (perhaps
 * a copy); given Headers, changes them and returns them.
 *
 * @example
 * response = replaceHeader(response, 'content-type', 'text/html; charset=utf-8')
 * replaceHeader(headers, 'set-cookie', ['a=1', 'b=2'])
 */
export function replaceHeader<T extends Response | Headers>(
  target: T,
  name: string,
  value: string | readonly string[],
): T {
  const out = (target instanceof Headers ? target : mutableResponse(target as Response)) as T
  const headers = headersOf(out)
  headers.delete(name)
  for (const v of typeof value === 'string' ? [value] : value) headers.append(name, v)
  return out
}

/**
 * Removes every value of a header. Given a Response, returns a mutable one (perhaps a copy).
 *
 * @example
 * response = removeHeader(response, 'x-powered-by')
 */
export function removeHeader<T extends Response | Headers>(target: T, name: string): T {
  if (!hasHeader(target, name)) return target
  const out = (target instanceof Headers ? target : mutableResponse(target as Response)) as T
  headersOf(out).delete(name)
  return out
}

/**
 * Adds a value to a header without replacing the others. Given a Response, returns a mutable
 * one (perhaps a copy).
 *
 * @example
 * response = appendHeader(response, 'link', '</style.css>; rel=preload')
 */
export function appendHeader<T extends Response | Headers>(
  target: T,
  name: string,
  value: string,
): T {
  const out = (target instanceof Headers ? target : mutableResponse(target as Response)) as T
  headersOf(out).append(name, value)
  return out
}

/**
 * Adds field names to `Vary` (RFC 9110 12.5.5) unless already listed or `Vary: *`.
 *
 * @example
 * response = addVary(response, 'Accept-Encoding')
 */
export function addVary<T extends Response | Headers>(target: T, ...fields: string[]): T {
  const headers = headersOf(target)
  const current = (headers.get('vary') ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '')
  const lower = new Set(current.map((f) => f.toLowerCase()))
  if (lower.has('*')) return target
  const missing = fields.filter((f) => !lower.has(f.toLowerCase()))
  if (missing.length === 0) return target
  return replaceHeader(target, 'vary', [...current, ...missing].join(', '))
}
