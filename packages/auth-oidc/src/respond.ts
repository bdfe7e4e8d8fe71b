/*
 * The responses this package writes itself, its cookies, and the checks on return URLs.
 */
import { base64urlEncode, type Context } from '@paste/core'
import { httpError } from '@paste/httpexceptions'
import { OidcUpstreamError } from './upstream.js'

/**
 * Serialises one of our cookies (HttpOnly, SameSite=Lax, Secure on https). Names are
 * checked tokens and values base64url, so nothing needs quoting (RFC 6265 4.1.1).
 */
export function cookie(name: string, value: string, secure: boolean, maxAge: number): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}; Max-Age=${maxAge}`
}

/** A 303 See Other to `location`, setting the given cookies, never cached. */
export function seeOther(location: string, cookies: readonly string[] = []): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' })
  for (const c of cookies) headers.append('set-cookie', c)
  return new Response(null, { status: 303, headers })
}

/**
 * An error answer: the status, a short safe detail for the client, the reason in the log,
 * the given cookies (to clear the login state), never cached.
 */
export function refuse(
  request: Request,
  context: Context,
  status: number,
  detail: string,
  reason: string,
  cookies: readonly string[] = [],
): Response {
  const log = status >= 500 ? context.logger.error : context.logger.warn
  log.call(context.logger, `@paste/auth-oidc: ${reason}`, { status })
  const challenge = status === 401 ? { challenge: 'OIDC realm="login"' } : {}
  const response = httpError(status, { detail, ...challenge }).toResponse(request, context)
  response.headers.set('cache-control', 'no-store')
  for (const c of cookies) response.headers.append('set-cookie', c)
  return response
}

/** 502 for a provider that failed or answered nonsense, 504 for one that did not answer in time. */
export function upstreamFailed(
  request: Request,
  context: Context,
  error: unknown,
  cookies: readonly string[] = [],
): Response {
  const timedOut =
    (error instanceof OidcUpstreamError && error.timedOut) ||
    (error as { code?: unknown })?.code === 'ERR_JWKS_TIMEOUT'
  const reason = error instanceof Error ? error.message : String(error)
  return refuse(
    request,
    context,
    timedOut ? 504 : 502,
    'The login server could not be reached.',
    `provider failed: ${reason}`,
    cookies,
  )
}

/** `n` random bytes, base64url (state, nonce, PKCE verifier: RFC 7636 4.1 allows 43-128 chars). */
export function random(n = 32): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(n)))
}

/** The PKCE S256 challenge of a verifier (RFC 7636 4.2). */
export async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return base64urlEncode(new Uint8Array(digest))
}

/** The longest URL we return to after login. */
export const MAX_RETURN = 2048

/**
 * The absolute URL for a `return_to` value if it is on our own origin (a path such as
 * `/docs?x=1`, or an absolute URL with baseUrl's origin), else `undefined`: no open redirect.
 *
 * @example
 * sameOrigin('https://app.example.org', '//evil.example/') // undefined
 */
export function sameOrigin(baseUrl: string, value: string): string | undefined {
  // control characters and backslashes are read differently by browsers: refuse them
  if (value.length > MAX_RETURN || /[\u0000-\u001f\u007f\\]/.test(value)) return undefined
  const base = new URL(baseUrl)
  let url: URL
  try {
    url = new URL(value, base)
  } catch {
    return undefined
  }
  if (url.origin !== base.origin || url.username || url.password) return undefined
  return url.href
}
