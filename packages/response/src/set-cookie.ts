import { type CookieOptions, serializeCookie } from './cookie.js'
import { mutableResponse } from './headers.js'

/** Reads name, Domain and Path of a Set-Cookie value (enough to tell two cookies apart). */
function identity(setCookie: string): string {
  const [pair = '', ...attrs] = setCookie.split(';')
  const name = pair.slice(0, pair.indexOf('=')).trim()
  let domain = ''
  let path = ''
  for (const attr of attrs) {
    const [k = '', v = ''] = attr.split('=', 2).map((s) => s.trim())
    if (k.toLowerCase() === 'domain') domain = v.toLowerCase().replace(/^\./, '')
    else if (k.toLowerCase() === 'path') path = v
  }
  return `${name}\u0000${domain}\u0000${path}`
}

function headersOf(target: Response | Headers): Headers {
  return target instanceof Headers ? target : target.headers
}

/**
 * Adds a Set-Cookie header, replacing an earlier Set-Cookie for the same name, domain and
 * path in the same headers (so setting then deleting a cookie sends only the deletion).
 * Other Set-Cookie values are kept, each separate. `path` defaults to `/`. Given a Response,
 * returns a mutable one (perhaps a copy); given Headers, changes and returns them.
 * Throws a TypeError when {@link serializeCookie} does.
 *
 * @example
 * setCookie(response.headers, 'theme', 'dark', { maxAge: 31536000, sameSite: 'Lax' })
 * response = setCookie(await fetch(upstream), 'seen', '1')
 */
export function setCookie<T extends Response | Headers>(
  target: T,
  name: string,
  value: string,
  options: CookieOptions = {},
): T {
  const line = serializeCookie(name, value, { path: '/', ...options })
  const out = (target instanceof Headers ? target : mutableResponse(target as Response)) as T
  const headers = headersOf(out)
  const id = identity(line)
  const existing = headers.getSetCookie()
  const kept = existing.filter((c) => identity(c) !== id)
  if (kept.length !== existing.length) {
    headers.delete('set-cookie')
    for (const c of kept) headers.append('set-cookie', c)
  }
  headers.append('set-cookie', line)
  return out
}

/**
 * Tells the browser to delete a cookie: an empty value with `Max-Age=0` and an `Expires` in
 * the past. `path` and `domain` must be those the cookie was set with (`path` defaults to
 * `/`); `secure` is added automatically for `__Secure-` and `__Host-` names.
 *
 * @example
 * deleteCookie(response.headers, 'sid')
 */
export function deleteCookie<T extends Response | Headers>(
  target: T,
  name: string,
  options: Omit<CookieOptions, 'maxAge' | 'expires'> = {},
): T {
  const prefixed = /^__(secure|host)-/i.test(name)
  return setCookie(target, name, '', {
    ...options,
    ...(prefixed ? { secure: true } : {}),
    maxAge: 0,
    expires: new Date(0),
  })
}
