/*
 * The responses this package writes itself, and its two cookies.
 */
import { base64urlEncode, type Context } from '@paste/core'
import { BadGateway, Unauthorized } from '@paste/httpexceptions'

/** Attributes of the cookies set here. */
export interface CookieSpec {
  secure: boolean
  /** Seconds; `0` deletes; `undefined` a session cookie. */
  maxAge?: number
}

/**
 * Serialises one of our own cookies. Names are checked tokens and values base64url or `1`,
 * so nothing needs quoting (RFC 6265 4.1.1).
 */
export function cookie(name: string, value: string, spec: CookieSpec): string {
  let out = `${name}=${value}; Path=/; HttpOnly; SameSite=Lax`
  if (spec.secure) out += '; Secure'
  if (spec.maxAge !== undefined) out += `; Max-Age=${spec.maxAge}`
  return out
}

/** A 303 See Other to `location`, setting the given cookies, never cached. */
export function seeOther(location: string, cookies: readonly string[] = []): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' })
  for (const c of cookies) headers.append('set-cookie', c)
  return new Response(null, { status: 303, headers })
}

/** A 401 for a missing, malformed or rejected ticket, with a CAS challenge. */
export function unauthorized(
  request: Request,
  context: Context,
  server: string,
  detail: string,
): Response {
  const response = new Unauthorized({ challenge: `CAS realm="${server}"`, detail }).toResponse(
    request,
    context,
  )
  response.headers.set('cache-control', 'no-store')
  return response
}

/** A 502 for a CAS server that could not be asked or answered nonsense; the reason is logged, not shown. */
export function badGateway(request: Request, context: Context, reason: string): Response {
  context.logger.error('@paste/auth-cas: ticket validation failed', { reason })
  return new BadGateway({ detail: 'The login server could not be reached.' }).toResponse(
    request,
    context,
  )
}

/** A small plain-text 200, for the CAS server's back-channel calls. */
export function ok(): Response {
  return new Response('OK\n', { headers: { 'content-type': 'text/plain; charset=utf-8' } })
}

/** 128 random bits, base64url (RFC 4648 section 5), for login ids. */
export function randomId(): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(16)))
}
