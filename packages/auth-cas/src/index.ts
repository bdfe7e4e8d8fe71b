import { type Context, createKey, type Key, type Middleware } from '@paste/core'
import { parseCookies } from '@paste/request'
import {
  localLogout,
  loginWithTicket,
  maybeLogoutPost,
  proxyCallback,
  singleLogout,
} from './handlers.js'
import { type AuthCasOptions, type Resolved, resolveOptions } from './options.js'
import { cookie, seeOther, unauthorized } from './respond.js'
import { endpoint, serviceUrl, splitTicket } from './service.js'
import type { CasLoginRecord } from './store.js'
import { requestProxyTicket } from './validate.js'

export type { AuthCasOptions } from './options.js'
export {
  type CasLoginRecord,
  type CasLoginStore,
  type MemoryCasStoreOptions,
  memoryCasStore,
} from './store.js'
export { CasUpstreamError } from './upstream.js'
export { CasProtocolError, parseLogoutRequest, parseServiceResponse } from './xml.js'

/** What the app below learns about a CAS login. */
export interface CasLogin {
  /** The CAS user (also `context.remoteUser`). */
  readonly user: string
  /** CAS 3.0 attributes, every value a list (`{ email: ['a@x.org'] }`). */
  readonly attributes: Readonly<Record<string, readonly string[]>>
  /**
   * Gets a proxy ticket for another service (CAS 2.0/3.0 `/proxy`); needs
   * `proxyCallbackPath`. Rejects when there is no proxy-granting ticket or the server refuses.
   */
  proxyTicket(targetService: string): Promise<string>
}

/**
 * The CAS login of the request, for the app below.
 *
 * @example
 * const email = context.get(casKey)?.attributes.email?.[0]
 */
export const casKey: Key<CasLogin> = createKey<CasLogin>('@paste/auth-cas')

const GATEWAY_COOKIE = 'paste-cas-gateway'

/**
 * CAS single sign-on (CAS 1.0, 2.0 and 3.0). Anonymous requests are sent to the CAS login;
 * the ticket it returns is validated, a local login is started (a cookie naming a
 * server-side record) and the browser comes back to the clean URL. The CAS server's
 * single-logout POST ends the local login.
 *
 * @example
 * const site = pipe(app, authCas({
 *   server: 'https://cas.example.org/cas',
 *   baseUrl: 'https://app.example.org',
 *   logoutPath: '/logout',
 * }))
 */
export function authCas(options: AuthCasOptions): Middleware {
  const config = resolveOptions(options)
  return (app) =>
    async function authCas(request, context) {
      const cookies = parseCookies(request.headers.get('cookie'))
      const id = cookies.get(config.cookieName)
      // the CAS server hands over a proxy-granting ticket (CAS 3.0 2.5.4)
      if (config.proxyCallbackPath && context.pathInfo === config.proxyCallbackPath)
        return proxyCallback(request, context, config)
      // the CAS server's back-channel single-logout POST (CAS 3.0 2.3.3)
      if (id === undefined && maybeLogoutPost(request, context, config)) {
        const response = await singleLogout(request, context, config)
        if (response) return response
      }
      // local logout: end the login here, then at the CAS server
      if (config.logoutPath && context.pathInfo === config.logoutPath)
        return localLogout(context, config, id)
      const { ticket, rest } = splitTicket(context.search)
      // a second, undecodable or wrongly shaped ticket: malformed credentials
      if (ticket === null)
        return unauthorized(request, context, config.server, 'The login ticket is malformed.')
      // back from the CAS login with a ticket: validate it (only GET/HEAD carry one, 2.2.4)
      if (ticket !== undefined && (request.method === 'GET' || request.method === 'HEAD'))
        return loginWithTicket(request, context, config, ticket, rest)
      const record = id === undefined ? undefined : await config.store.get(id)
      // a live local login: the app sees the user
      if (record) return app(request, loggedIn(context, config, record))
      // authenticated by an outer filter: nothing to do
      if (context.remoteUser !== undefined) return app(request, context)
      if (config.protect(request, context)) return toLogin(request, context, config, rest, false)
      // gateway: ask the server once per browser session whether the user is logged in
      if (config.gateway && isGet(request) && !cookies.has(GATEWAY_COOKIE))
        return toLogin(request, context, config, rest, true)
      return app(request, context)
    }
}

function isGet(request: Request): boolean {
  return request.method === 'GET' || request.method === 'HEAD'
}

/** Sends GET/HEAD to the CAS login (section 2.1); other methods cannot follow, so 401. */
function toLogin(
  request: Request,
  context: Context,
  config: Resolved,
  rest: string,
  gateway: boolean,
): Response {
  if (!isGet(request)) return unauthorized(request, context, config.server, 'Log in first.')
  const service = serviceUrl(config.baseUrl, context, rest)
  const params = {
    service,
    renew: config.renew && !gateway ? 'true' : undefined,
    gateway: gateway ? 'true' : undefined,
  }
  const cookies = gateway ? [cookie(GATEWAY_COOKIE, '1', { secure: config.secure })] : []
  return seeOther(endpoint(config.server, '/login', params), cookies)
}

function loggedIn(context: Context, config: Resolved, record: CasLoginRecord): Context {
  const login: CasLogin = Object.freeze({
    user: record.user,
    attributes: record.attributes,
    proxyTicket: async (targetService: string) => {
      if (!record.proxyGrantingTicket)
        throw new Error('@paste/auth-cas: no proxy-granting ticket for this login')
      return requestProxyTicket(config, record.proxyGrantingTicket, targetService, context.signal)
    },
  })
  return context.derive({ remoteUser: record.user, authType: 'cas' }).with(casKey, login)
}
