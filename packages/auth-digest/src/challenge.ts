/* The 401 challenge (RFC 7616 section 3.3) and the Authentication-Info header (3.5). */
import type { DigestAlgorithm, DigestQop } from './compute.js'

/** What every challenge of one middleware shares. */
export interface ChallengeSettings {
  realm: string
  algorithms: readonly DigestAlgorithm[]
  qop: readonly DigestQop[]
  userhash: boolean
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 section 5.6.4)
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`
}

/**
 * A 401 carrying one `WWW-Authenticate: Digest` challenge per algorithm, most preferred
 * first (RFC 7616 section 3.7). The body never echoes what the client sent.
 */
export function unauthorized(
  settings: ChallengeSettings,
  nonce: string,
  opaque: string,
  stale: boolean,
): Response {
  const headers = new Headers({
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  })
  for (const algorithm of settings.algorithms) {
    const parts = [
      `Digest realm=${quote(settings.realm)}`,
      `qop="${settings.qop.join(', ')}"`,
      `algorithm=${algorithm}`,
      `nonce="${nonce}"`,
      `opaque="${opaque}"`,
      'charset=UTF-8',
    ]
    if (settings.userhash) parts.push('userhash=true')
    if (stale) parts.push('stale=true')
    headers.append('www-authenticate', parts.join(', '))
  }
  return new Response('Unauthorized: valid credentials are required.\n', { status: 401, headers })
}

/** The answer when the nonce store fails: retry shortly, and nothing of the request echoed. */
export function serviceUnavailable(): Response {
  return new Response('Service Unavailable: authentication is temporarily unavailable.\n', {
    status: 503,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': '1',
    },
  })
}

/** Adds a header to a response, copying it first if its headers are immutable. */
export function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value)
    return response
  } catch {
    const copy = new Response(response.body, response)
    copy.headers.set(name, value)
    return copy
  }
}
