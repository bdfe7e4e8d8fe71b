/*
 * The token request (OpenID Connect Core 1.0 section 3.1.3.1, RFC 6749 4.1.3, RFC 7636
 * 4.5): the code, the redirect_uri and the PKCE verifier, with client_secret_basic,
 * client_secret_post or no client authentication.
 */
import type { Resolved } from './options.js'
import { fetchJson, OidcUpstreamError } from './upstream.js'

/** The token endpoint's answer: an ID token, or the OAuth error code it refused with. */
export type TokenAnswer = { ok: true; idToken: string } | { ok: false; error: string }

// RFC 6749 2.3.1: client_id and secret are form-urlencoded before Basic encoding
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+')

/**
 * Exchanges an authorization code. An OAuth error answer (400/401 with `error`) is a
 * refusal; anything else unusable throws {@link OidcUpstreamError}.
 *
 * @example
 * const answer = await exchangeCode(config, tokenEndpoint, code, verifier, redirectUri)
 */
export async function exchangeCode(
  config: Resolved,
  endpoint: string,
  code: string,
  verifier: string,
  redirectUri: string,
  signal?: AbortSignal,
): Promise<TokenAnswer> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  })
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
  }
  if (config.auth === 'client_secret_basic') {
    const pair = `${formEncode(config.clientId)}:${formEncode(config.clientSecret ?? '')}`
    headers.authorization = `Basic ${btoa(pair)}`
  } else {
    form.set('client_id', config.clientId)
    if (config.auth === 'client_secret_post') form.set('client_secret', config.clientSecret ?? '')
  }
  const { status, body } = await fetchJson(
    endpoint,
    { method: 'POST', headers, body: form.toString() },
    { fetch: config.fetch, timeout: config.timeout, ...(signal ? { signal } : {}) },
  )
  // RFC 6749 5.2: an error answer is 400 (or 401 for client authentication)
  if ((status === 400 || status === 401) && typeof body.error === 'string')
    return {
      ok: false,
      error: /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(body.error) ? body.error : 'malformed',
    }
  if (status !== 200) throw new OidcUpstreamError(`token endpoint answered ${status}`)
  if (typeof body.id_token !== 'string' || body.id_token === '')
    throw new OidcUpstreamError('token answer has no id_token')
  return { ok: true, idToken: body.id_token }
}
