import type { HttpExceptionInit, HttpExceptionOptions } from './exception.js'

// token = 1*tchar (RFC 9110 section 5.6.2)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// field-value: visible characters, spaces and tabs, no CR / LF / NUL (RFC 9110 section 5.5)
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** Normalises a constructor argument to options, adding one header built by `add`. */
export function withHeaders(
  init: HttpExceptionInit | undefined,
  add: (headers: Headers) => void,
): HttpExceptionOptions {
  const o: HttpExceptionOptions = typeof init === 'string' ? { detail: init } : { ...init }
  const headers = new Headers(o.headers)
  add(headers)
  o.headers = headers
  return o
}

/** Appends challenges (RFC 9110 section 11.6.1) as separate field lines. */
export function appendChallenges(
  headers: Headers,
  name: string,
  challenge: string | readonly string[] | undefined,
): void {
  if (challenge === undefined) return
  for (const value of typeof challenge === 'string' ? [challenge] : challenge) {
    if (typeof value !== 'string' || value === '' || !FIELD_VALUE.test(value))
      throw new TypeError(`@paste/httpexceptions: challenge must be a valid ${name} value`)
    headers.append(name, value)
  }
}

/** Sets `Allow` (RFC 9110 section 10.2.1) from method tokens. */
export function setAllow(headers: Headers, allow: string | readonly string[] | undefined): void {
  if (allow === undefined) return
  const methods = typeof allow === 'string' ? allow.split(',').map((m) => m.trim()) : allow
  for (const m of methods)
    if (!TOKEN.test(m))
      throw new TypeError(`@paste/httpexceptions: allow: bad method ${JSON.stringify(m)}`)
  headers.set('allow', methods.join(', '))
}

/** Sets `Retry-After` (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date. */
export function setRetryAfter(headers: Headers, retryAfter: number | Date | undefined): void {
  if (retryAfter === undefined) return
  if (retryAfter instanceof Date) {
    if (Number.isNaN(retryAfter.getTime()))
      throw new TypeError('@paste/httpexceptions: retryAfter must be a valid Date')
    headers.set('retry-after', retryAfter.toUTCString())
    return
  }
  if (!Number.isFinite(retryAfter) || retryAfter < 0)
    throw new TypeError(
      '@paste/httpexceptions: retryAfter must be a non-negative number of seconds',
    )
  headers.set('retry-after', String(Math.ceil(retryAfter)))
}
