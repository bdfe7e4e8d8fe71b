/*
 * The URL to return to after login ("came_from"). It comes from the client, so it is only
 * ever a same-origin path: an open redirect (`//evil.example`, `/\evil.example`,
 * `https://evil.example`, `javascript:`) would turn the login page into a phishing tool.
 */

// path-absolute [ "?" query ] [ "#" fragment ] with RFC 3986 characters only (section 3.3):
// a single "/" first, never "//" or "/\", and no backslash, space or control anywhere
const SAFE = /^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/?%#]*$/

/**
 * Returns `value` if it is a safe same-origin relative URL, else `undefined`.
 *
 * @example
 * safeRedirect('/docs?x=1', 'https://app.example.org') // '/docs?x=1'
 * safeRedirect('//evil.example/', 'https://app.example.org') // undefined
 */
export function safeRedirect(value: unknown, origin: string): string | undefined {
  if (typeof value !== 'string' || value.length > 2048 || !SAFE.test(value)) return undefined
  // percent-encoded slashes and backslashes at the start could be decoded by a proxy
  if (/^\/%(?:2f|5c)/i.test(value)) return undefined
  let url: URL
  try {
    url = new URL(value, origin)
  } catch {
    return undefined
  }
  return url.origin === new URL(origin).origin ? value : undefined
}
