import type { Context } from '@paste/core'

/** Provider endpoints given explicitly instead of discovered. */
export interface OidcEndpoints {
  /** The `authorization_endpoint`. */
  authorization: string
  /** The `token_endpoint`. */
  token: string
  /** The `jwks_uri`. */
  jwks: string
  /** The `end_session_endpoint` (RP-initiated logout). @default undefined (none) */
  endSession?: string
}

/** Options for {@link authOidc}. */
export interface AuthOidcOptions {
  /** The provider's issuer identifier (`https://op.example.org`); the ID token's `iss` must equal it. */
  issuer: string
  /** The client id registered at the provider. */
  clientId: string
  /** The client secret; without it the client is public (PKCE only). @default undefined (public client) */
  clientSecret?: string
  /** How the client authenticates at the token endpoint. @default 'client_secret_basic' with a secret, else 'none' */
  tokenEndpointAuth?: 'client_secret_basic' | 'client_secret_post' | 'none'
  /**
   * This application's public base URL (`https://app.example.org`); `redirect_uri` is
   * baseUrl + scriptName + callbackPath. The Host header is never used.
   */
  baseUrl: string
  /** Endpoints to use instead of discovery. @default undefined (discovered from `issuer`) */
  endpoints?: OidcEndpoints
  /** The scopes asked for; `openid` is always included. @default ['openid'] */
  scope?: readonly string[]
  /** Which anonymous requests must log in (GET/HEAD are redirected, others get 401). @default true (all) */
  protect?: boolean | ((request: Request, context: Context) => boolean)
  /** The redirect_uri path, below the mount point. @default '/oidc/callback' */
  callbackPath?: string
  /** A path that starts a login, with an optional same-origin `return_to`. @default '/oidc/login' */
  loginPath?: string
  /** A path that ends the login (and at the provider when it supports it). @default '/oidc/logout' */
  logoutPath?: string
  /** Where the provider sends the browser after logout. @default baseUrl + scriptName + '/' */
  postLogoutRedirectUri?: string
  /** The ID token claim that becomes `context.remoteUser`. @default 'sub' */
  userClaim?: string
  /** ID token algorithms accepted (asymmetric only). @default ['RS256', 'ES256', 'PS256', 'EdDSA'] */
  algorithms?: readonly string[]
  /** Clock skew allowed for `exp`/`iat`, in seconds. @default 60 */
  clockTolerance?: number
  /** Keys that encrypt the cookies, newest first, each at least 32 bytes. @default one random key per process */
  secrets?: readonly (string | Uint8Array)[]
  /** How long a login lasts here, in seconds. @default 28800 (8 hours) */
  loginTtl?: number
  /** How long a started login may take at the provider, in seconds. @default 600 */
  stateTtl?: number
  /** Timeout of each request to the provider, in ms. @default 5000 */
  timeout?: number
  /** How long discovery and the JWKS are cached, in seconds. @default 3600 */
  cacheTtl?: number
  /** After a JWKS fetch, how long an unknown `kid` waits before the JWKS is fetched again, in seconds. @default 30 */
  jwksCooldown?: number
  /** The login cookie's name. @default '__Host-paste-oidc' for an https baseUrl, else 'paste-oidc' */
  cookieName?: string
  /** The fetch used to reach the provider. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch
}

/** The options, checked and with defaults. */
export interface Resolved {
  issuer: string
  clientId: string
  clientSecret: string | undefined
  auth: 'client_secret_basic' | 'client_secret_post' | 'none'
  baseUrl: string
  endpoints: OidcEndpoints | undefined
  scope: string
  protect: (request: Request, context: Context) => boolean
  callbackPath: string
  loginPath: string
  logoutPath: string
  postLogoutRedirectUri: string | undefined
  userClaim: string
  algorithms: string[]
  clockTolerance: number
  secrets: Uint8Array[]
  loginTtl: number
  stateTtl: number
  timeout: number
  cacheTtl: number
  jwksCooldown: number
  cookieName: string
  stateCookie: string
  secure: boolean
  fetch: typeof globalThis.fetch
}

const fail = (message: string): never => {
  throw new TypeError(`@paste/auth-oidc: ${message}`)
}

// cookie-name = token (RFC 6265 4.1.1, RFC 9110 5.6.2)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) (RFC 6749 3.3)
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/
const ASYMMETRIC = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
])

/** Checks a configured absolute http(s) URL; returns it without a trailing slash. */
export function checkUrl(value: unknown, name: string, query = false): string {
  let url: URL | undefined
  try {
    url = new URL(String(value))
  } catch {}
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.hash ||
    url.username ||
    (!query && url.search)
  )
    fail(`${name} must be an absolute http(s) URL without credentials${query ? '' : ' or query'}`)
  return String(value)
}

function positiveInt(
  value: number | undefined,
  fallback: number,
  name: string,
  zero = false,
): number {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < (zero ? 0 : 1))
    fail(`${name} must be a ${zero ? 'non-negative' : 'positive'} integer`)
  return v
}

function path(value: string | undefined, fallback: string, name: string): string {
  const v = value ?? fallback
  if (!/^\/[A-Za-z0-9\-._~/]*$/.test(v)) fail(`${name} must be a path like ${fallback}`)
  return v
}

function secrets(list: readonly (string | Uint8Array)[] | undefined): Uint8Array[] {
  if (list === undefined) return [crypto.getRandomValues(new Uint8Array(32))]
  if (!Array.isArray(list) || list.length === 0) fail('secrets must be a non-empty list')
  return list.map((s) => {
    const bytes = typeof s === 'string' ? new TextEncoder().encode(s) : s
    if (!(bytes instanceof Uint8Array) || bytes.byteLength < 32)
      fail('each secret must be at least 32 bytes')
    return bytes
  })
}

/** Checks the options once; throws a `TypeError` naming the bad option. */
export function resolveOptions(options: AuthOidcOptions): Resolved {
  if (typeof options !== 'object' || options === null) fail('options are required')
  const issuer = String(options.issuer)
  checkUrl(issuer, 'issuer')
  if (typeof options.clientId !== 'string' || options.clientId === '') fail('clientId is required')
  const baseUrl = checkUrl(options.baseUrl, 'baseUrl').replace(/\/+$/, '')
  const secure = baseUrl.startsWith('https:')
  const auth = options.tokenEndpointAuth ?? (options.clientSecret ? 'client_secret_basic' : 'none')
  if (!['client_secret_basic', 'client_secret_post', 'none'].includes(auth))
    fail('tokenEndpointAuth is not supported')
  if (auth !== 'none' && !options.clientSecret) fail(`tokenEndpointAuth ${auth} needs clientSecret`)
  const scope = new Set(['openid', ...(options.scope ?? [])])
  for (const s of scope)
    if (typeof s !== 'string' || !SCOPE.test(s)) fail('scope must be a list of scope tokens')
  const protect = options.protect ?? true
  if (typeof protect !== 'boolean' && typeof protect !== 'function')
    fail('protect must be a boolean or a function')
  const algorithms = [...(options.algorithms ?? ['RS256', 'ES256', 'PS256', 'EdDSA'])]
  if (algorithms.length === 0 || !algorithms.every((a) => ASYMMETRIC.has(a)))
    fail('algorithms must be asymmetric JWS algorithms (never none or HS*)')
  const cookieName = options.cookieName ?? (secure ? '__Host-paste-oidc' : 'paste-oidc')
  if (!TOKEN.test(cookieName)) fail('cookieName must be a cookie name token')
  if (cookieName.startsWith('__Host-') && !secure)
    fail('a __Host- cookieName needs an https baseUrl')
  const e = options.endpoints
  const endpoints = e && {
    authorization: checkUrl(e.authorization, 'endpoints.authorization', true),
    token: checkUrl(e.token, 'endpoints.token', true),
    jwks: checkUrl(e.jwks, 'endpoints.jwks', true),
    ...(e.endSession === undefined
      ? {}
      : { endSession: checkUrl(e.endSession, 'endpoints.endSession', true) }),
  }
  const userClaim = options.userClaim ?? 'sub'
  if (typeof userClaim !== 'string' || userClaim === '') fail('userClaim must be a claim name')
  return {
    issuer,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    auth,
    baseUrl,
    endpoints,
    scope: [...scope].join(' '),
    protect: typeof protect === 'function' ? protect : () => protect,
    callbackPath: path(options.callbackPath, '/oidc/callback', 'callbackPath'),
    loginPath: path(options.loginPath, '/oidc/login', 'loginPath'),
    logoutPath: path(options.logoutPath, '/oidc/logout', 'logoutPath'),
    postLogoutRedirectUri:
      options.postLogoutRedirectUri === undefined
        ? undefined
        : checkUrl(options.postLogoutRedirectUri, 'postLogoutRedirectUri', true),
    userClaim,
    algorithms,
    clockTolerance: positiveInt(options.clockTolerance, 60, 'clockTolerance', true),
    secrets: secrets(options.secrets),
    loginTtl: positiveInt(options.loginTtl, 8 * 3600, 'loginTtl'),
    stateTtl: positiveInt(options.stateTtl, 600, 'stateTtl'),
    timeout: positiveInt(options.timeout, 5000, 'timeout'),
    cacheTtl: positiveInt(options.cacheTtl, 3600, 'cacheTtl'),
    jwksCooldown: positiveInt(options.jwksCooldown, 30, 'jwksCooldown', true),
    cookieName,
    stateCookie: `${cookieName}-state`,
    secure,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  }
}
