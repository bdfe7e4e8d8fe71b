import { type Context, createKey, type Key, type Middleware } from '@paste/core'
import { parseCookies } from '@paste/request'
import type { JWTPayload } from 'jose'
import { callback, logout, type Runtime, startLogin } from './handlers.js'
import { type AuthOidcOptions, resolveOptions } from './options.js'
import { providerCache } from './provider.js'
import { MAX_RETURN, refuse, sameOrigin } from './respond.js'
import { sealer } from './seal.js'

export { type IdTokenChecks, IdTokenError, verifyIdToken } from './idtoken.js'
export type { AuthOidcOptions, OidcEndpoints } from './options.js'
export { OidcUpstreamError } from './upstream.js'

/** What the app below learns about an OpenID Connect login. */
export interface OidcLogin {
  /** The user (the `userClaim` of the ID token; also `context.remoteUser`). */
  readonly user: string
  /** The ID token's claims (`sub`, `iss`, `email`...), as validated at login. */
  readonly claims: Readonly<JWTPayload>
}

/**
 * The OpenID Connect login of the request, for the app below.
 *
 * @example
 * const email = context.get(oidcKey)?.claims.email
 */
export const oidcKey: Key<OidcLogin> = createKey<OidcLogin>('@paste/auth-oidc')

/**
 * OpenID Connect relying party (Authorization Code flow with PKCE S256). Anonymous requests
 * are sent to the provider; its callback is checked (state, code exchange, ID token), the
 * login is kept in an encrypted cookie, and the browser returns to the URL it asked for.
 *
 * @example
 * const site = pipe(app, authOidc({
 *   issuer: 'https://login.example.org',
 *   clientId: 'my-app',
 *   clientSecret: process.env.OIDC_SECRET,
 *   baseUrl: 'https://app.example.org',
 *   secrets: [process.env.COOKIE_KEY!],
 * }))
 */
export function authOidc(options: AuthOidcOptions): Middleware {
  const config = resolveOptions(options)
  const rt: Runtime = {
    config,
    provider: providerCache(config),
    states: sealer(config.secrets, 'state'),
    logins: sealer(config.secrets, 'login'),
    used: new Map(),
  }
  return (app) =>
    async function authOidc(request, context) {
      const cookies = parseCookies(request.headers.get('cookie'))
      const path = context.pathInfo
      // back from the provider (Core 3.1.2.5)
      if (path === config.callbackPath) return callback(request, context, rt, cookies)
      const sealed = cookies.get(config.cookieName)
      const login = sealed === undefined ? undefined : await rt.logins.open(sealed)
      // logout: here, then at the provider (RP-Initiated Logout 1.0)
      if (path === config.logoutPath) return logout(context, rt, login)
      // an explicit login, returning to a same-origin return_to
      if (path === config.loginPath) return explicitLogin(request, context, rt)
      // a live login: the app sees the user
      if (login && typeof login.u === 'string') return app(request, loggedIn(context, login))
      // authenticated by an outer filter: nothing to do
      if (context.remoteUser !== undefined) return app(request, context)
      if (!config.protect(request, context)) return app(request, context)
      // a browser can follow a redirect for GET/HEAD only; other methods get 401
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return refuse(request, context, 401, 'Log in first.', `anonymous ${request.method}`)
      const here = `${config.baseUrl}${context.scriptName}${path || '/'}${context.search}`
      const returnTo = here.length <= MAX_RETURN ? here : `${config.baseUrl}${context.scriptName}/`
      return startLogin(request, context, rt, returnTo)
    }
}

function explicitLogin(
  request: Request,
  context: Context,
  rt: Runtime,
): Promise<Response> | Response {
  const { config } = rt
  const asked = new URLSearchParams(context.search).getAll('return_to')
  if (asked.length > 1)
    return refuse(request, context, 400, 'return_to is repeated.', 'repeated return_to')
  const fallback = `${config.baseUrl}${context.scriptName}/`
  const returnTo = asked[0] === undefined ? fallback : sameOrigin(config.baseUrl, asked[0])
  // no open redirect: a return_to on another origin (or unreadable) is refused
  if (returnTo === undefined)
    return refuse(
      request,
      context,
      400,
      'return_to must be a page of this site.',
      'return_to off-site or malformed',
    )
  return startLogin(request, context, rt, returnTo)
}

function loggedIn(context: Context, login: JWTPayload): Context {
  const user = login.u as string
  const claims = Object.freeze({ ...(login.c as JWTPayload) })
  return context
    .derive({ remoteUser: user, authType: 'oidc' })
    .with(oidcKey, Object.freeze({ user, claims }))
}
