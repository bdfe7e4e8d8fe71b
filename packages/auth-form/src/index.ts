import type { Context, Middleware } from '@paste/core'
import { type AuthFormOptions, type Resolved, resolveOptions } from './options.js'
import {
  crossSite,
  loginManager,
  loginPage,
  logoutPage,
  readLoginForm,
  returnTo,
  validToken,
} from './pages.js'

/** Re-exported from `@paste/core`. */
export { escapeHtml, timingSafeEqual } from '@paste/core'
export { type Csrf, createCsrf } from './csrf.js'
export type { AuthFormOptions, FormCheck } from './options.js'
export type { RateLimitOptions } from './rate-limit.js'
export { safeRedirect } from './redirect.js'
export type { LoginView } from './template.js'

/**
 * Login form authentication. Anonymous GETs of protected pages are sent (303) to a login
 * page that carries a CSRF token and the safe return URL; a valid POST signs the user in
 * through the remembering filter above (`loginKey`: auth-cookie, auth-tkt, sessionLogin)
 * and returns (303) to where they came from.
 *
 * @example
 * const site = pipe(app, authCookie({ secrets: [cookieSecret] }), authForm({
 *   secret: formSecret,
 *   check: async (user, password) => verifyPassword(await db.hash(user), password),
 * }))
 */
export function authForm(options: AuthFormOptions): Middleware {
  const config = resolveOptions(options)
  return (app) =>
    async function authForm(request, context) {
      const get = request.method === 'GET' || request.method === 'HEAD'
      if (context.pathInfo === config.loginPath) {
        const cameFrom = returnTo(
          new URLSearchParams(context.search).get('came_from'),
          context,
          config,
        )
        // the login page
        if (get)
          return loginPage(request, context, config, {
            status: 200,
            error: '',
            username: '',
            cameFrom,
          })
        if (request.method === 'POST') return login(request, context, config)
        return methodNotAllowed('GET, HEAD, POST')
      }
      if (context.pathInfo === config.logoutPath) {
        // a GET cannot log out (a link or an image could); it shows a button that POSTs
        if (get) return logoutPage(request, context, config)
        if (request.method === 'POST') return logout(request, context, config)
        return methodNotAllowed('GET, HEAD, POST')
      }
      // logged in already (the remembering filter above said so), or not protected
      if (context.remoteUser !== undefined || !config.protect(request, context))
        return app(request, context)
      const here = context.scriptName + (context.pathInfo || '/') + context.search
      // a browser GET goes to the login page and will come back here
      if (get)
        return seeOther(
          `${context.scriptName}${config.loginPath}?came_from=${encodeURIComponent(here)}`,
        )
      // other methods cannot be replayed after a redirect: 401 with the form
      return loginPage(request, context, config, {
        status: 401,
        error: 'Please log in.',
        username: '',
        cameFrom: returnTo(here, context, config),
      })
    }
}

async function login(request: Request, context: Context, config: Resolved): Promise<Response> {
  // a login POST from another site (login CSRF): refused before the body is read
  if (crossSite(request, context)) return forbidden(context, 'cross-site login attempt')
  const form = await readLoginForm(request, config)
  // an oversized body: 413
  if (form instanceof Response) return form
  const cameFrom = returnTo(form?.get('came_from'), context, config)
  const page = (status: 401 | 403 | 429, error: string, username = '', retryAfter?: number) =>
    loginPage(request, context, config, {
      status,
      error,
      username,
      cameFrom,
      ...(retryAfter ? { retryAfter } : {}),
    })
  // no valid CSRF token (forged, expired or missing cookie): 403 with a fresh form
  if (!form || !(await validToken(request, context, config, form.get('csrf_token')))) {
    context.logger.warn('@paste/auth-form: login without a valid CSRF token', {
      address: context.remoteAddress,
    })
    return page(403, 'The form expired; please try again.')
  }
  const username = form.get('username')
  const password = form.get('password')
  // missing, non-text or absurd credentials: 401 (never 500)
  if (
    typeof username !== 'string' ||
    typeof password !== 'string' ||
    !plausible(username, password)
  )
    return page(401, 'Enter a user name and a password.')
  const key = `${context.remoteAddress}\u0000${username.toLowerCase()}`
  const wait = config.throttle?.blocked(key) ?? 0
  // too many failures for this user from this address: 429 until the window ends
  if (wait > 0) return page(429, 'Too many failed attempts; try again later.', username, wait)
  const result = await config.check(username, password, request, context)
  // wrong credentials: 401, the user name (never the password) logged
  if (result !== true && (typeof result !== 'string' || result === '')) {
    config.throttle?.fail(key)
    context.logger.info('@paste/auth-form: rejected credentials', { user: username })
    return page(401, 'Wrong user name or password.', username)
  }
  config.throttle?.reset(key)
  const manager = loginManager(context)
  if (!manager) return serverError()
  await manager.login(result === true ? username : result)
  context.logger.info('@paste/auth-form: login', { user: result === true ? username : result })
  return seeOther(cameFrom)
}

async function logout(request: Request, context: Context, config: Resolved): Promise<Response> {
  if (crossSite(request, context)) return forbidden(context, 'cross-site logout attempt')
  const form = await readLoginForm(request, config)
  if (form instanceof Response) return form
  // logout needs a valid token too: otherwise any site could log users out
  if (!form || !(await validToken(request, context, config, form.get('csrf_token'))))
    return forbidden(context, 'logout without a valid CSRF token')
  const manager = loginManager(context)
  if (!manager) return serverError()
  await manager.logout()
  return seeOther(context.scriptName + config.defaultRedirect)
}

// user name: 1-256 characters without controls; password: 1-1024 characters
function plausible(username: string, password: string): boolean {
  return (
    username.length > 0 &&
    username.length <= 256 &&
    password.length > 0 &&
    password.length <= 1024 &&
    !/[\u0000-\u001f\u007f]/.test(username)
  )
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } })
}

function forbidden(context: Context, why: string): Response {
  context.logger.warn(`@paste/auth-form: ${why}`, { address: context.remoteAddress })
  return new Response('Forbidden\n', {
    status: 403,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  })
}

function methodNotAllowed(allow: string): Response {
  return new Response('Method Not Allowed\n', {
    status: 405,
    headers: { allow, 'content-type': 'text/plain; charset=utf-8' },
  })
}

function serverError(): Response {
  return new Response('Internal Server Error\n', {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })
}
