/**
 * Headers of an error document: the original error response's headers that speak about
 * the error (`WWW-Authenticate`, `Allow`, `Retry-After`, `Set-Cookie`...), then the error
 * page's own, which replace them (`Set-Cookie` is added, never replaced), as Paste's
 * `StatusKeeper` did. The original's representation headers (RFC 9110 section 8: content
 * type, length, encoding, range, validators) describe a body that is not sent, so they go.
 */
const REPRESENTATION = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
  'content-range',
  'content-disposition',
  'transfer-encoding',
  'etag',
  'last-modified',
  'accept-ranges',
])

/**
 * Merges the original error response's headers with the error page's.
 *
 * @example
 * mergeHeaders(new Headers({ 'www-authenticate': 'Basic', 'content-length': '9' }),
 *              new Headers({ 'content-type': 'text/html' }))
 * // www-authenticate: Basic, content-type: text/html
 */
export function mergeHeaders(original: Headers, page: Headers): Headers {
  const merged = new Headers()
  for (const [name, value] of original) if (!REPRESENTATION.has(name)) merged.append(name, value)
  for (const [name, value] of page) {
    if (name !== 'set-cookie') merged.set(name, value)
  }
  for (const cookie of page.getSetCookie()) merged.append('set-cookie', cookie)
  return merged
}
