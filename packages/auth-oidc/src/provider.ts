/*
 * The provider's metadata: discovered from the issuer (OpenID Connect Discovery 1.0
 * section 4) or given explicitly, cached for cacheTtl; the JWKS is jose's remote key set
 * (cached, refetched on an unknown kid at most once per cooldown).
 */
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose'
import type { OidcEndpoints, Resolved } from './options.js'
import { fetchJson, OidcUpstreamError } from './upstream.js'

/** What the middleware needs from the provider. */
export interface Provider {
  endpoints: OidcEndpoints
  /** The key set for ID token signatures. */
  keys: JWTVerifyGetKey
}

/**
 * Returns a function that gives the provider's metadata, discovering it on first use and
 * again after `cacheTtl`; a failed discovery is not cached (the next request tries again).
 *
 * @example
 * const provider = providerCache(config)
 * const { endpoints, keys } = await provider(context.signal)
 */
export function providerCache(config: Resolved): (signal?: AbortSignal) => Promise<Provider> {
  let cached: { value: Promise<Provider>; expires: number } | undefined
  return (signal) => {
    if (cached && cached.expires > Date.now()) return cached.value
    const value = load(config, signal)
    const entry = { value, expires: Date.now() + config.cacheTtl * 1000 }
    cached = entry
    value.catch(() => {
      if (cached === entry) cached = undefined
    })
    return value
  }
}

async function load(config: Resolved, signal: AbortSignal | undefined): Promise<Provider> {
  const endpoints = config.endpoints ?? (await discover(config, signal))
  const keys = createRemoteJWKSet(new URL(endpoints.jwks), {
    timeoutDuration: config.timeout,
    cooldownDuration: config.jwksCooldown * 1000,
    cacheMaxAge: config.cacheTtl * 1000,
    [customFetch]: (url, init) => config.fetch(url, { ...init, redirect: 'error' }),
  })
  return { endpoints, keys }
}

/** Fetches `/.well-known/openid-configuration` below the issuer and checks it. */
export async function discover(config: Resolved, signal?: AbortSignal): Promise<OidcEndpoints> {
  const url = `${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
  const { status, body } = await fetchJson(
    url,
    { method: 'GET' },
    {
      fetch: config.fetch,
      timeout: config.timeout,
      ...(signal ? { signal } : {}),
    },
  )
  if (status !== 200) throw new OidcUpstreamError(`discovery answered ${status}`)
  // section 4.3: the issuer in the document MUST be identical to the one used
  if (body.issuer !== config.issuer) throw new OidcUpstreamError('discovery names another issuer')
  const url_ = (name: string, required: boolean): string | undefined => {
    const value = body[name]
    if (value === undefined && !required) return undefined
    if (typeof value !== 'string' || !/^https?:\/\//.test(value) || !URL.canParse(value))
      throw new OidcUpstreamError(`discovery has no usable ${name}`)
    return value
  }
  const endSession = url_('end_session_endpoint', false)
  return {
    authorization: url_('authorization_endpoint', true)!,
    token: url_('token_endpoint', true)!,
    jwks: url_('jwks_uri', true)!,
    ...(endSession === undefined ? {} : { endSession }),
  }
}
