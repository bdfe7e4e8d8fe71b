/*
 * The login page, the login POST and the logout page.
 */
import { type Context, escapeHtml, loginKey, timingSafeEqual } from '@paste/core'
import { type MultiDict, parseCookies, RequestBodyError, readForm } from '@paste/request'
import { setCookie } from '@paste/response'
import type { Resolved } from './options.js'
import { safeRedirect } from './redirect.js'

/** What a login page shows besides the form. */
interface PageState {
  status: 200 | 401 | 403 | 429
  /** Seconds, for a 429. */
  retryAfter?: number
  error: string
  username: string
  cameFrom: string
}

const csrfCookie = (context: Context) =>
  context.scheme === 'https' ? '__Host-paste-csrf' : 'paste-csrf'

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
}

/** A page carrying a CSRF token: reuses the cookie's token while it has half its life left. */
async function withToken(
  request: Request,
  context: Context,
  config: Resolved,
  state: { status: number; retryAfter?: number },
  body: (token: string) => string,
): Promise<Response> {
  const { status } = state
  const name = csrfCookie(context)
  const existing = parseCookies(request.headers.get('cookie')).get(name)
  const reuse = existing !== undefined && (await config.csrf.verify(existing, config.csrfTtl / 2))
  const token = reuse ? existing : await config.csrf.issue()
  const headers = new Headers({ 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS })
  if (status === 401) headers.set('www-authenticate', config.challenge)
  if (state.retryAfter !== undefined) headers.set('retry-after', String(state.retryAfter))
  if (!reuse)
    setCookie(headers, name, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      secure: context.scheme === 'https',
      maxAge: config.csrfTtl,
    })
  return new Response(request.method === 'HEAD' ? null : body(token), { status, headers })
}

/** Renders the login page; every value is escaped before the template sees it. */
export function loginPage(
  request: Request,
  context: Context,
  config: Resolved,
  state: PageState,
): Promise<Response> {
  return withToken(request, context, config, state, (token) =>
    config.render({
      action: escapeHtml(context.scriptName + config.loginPath),
      cameFrom: escapeHtml(state.cameFrom),
      csrfToken: escapeHtml(token),
      error: escapeHtml(state.error),
      username: escapeHtml(state.username),
    }),
  )
}

/** Renders the logout confirmation: a button that POSTs with a CSRF token. */
export function logoutPage(
  request: Request,
  context: Context,
  config: Resolved,
): Promise<Response> {
  const action = escapeHtml(context.scriptName + config.logoutPath)
  return withToken(
    request,
    context,
    config,
    { status: 200 },
    (token) =>
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Log out</title></head><body><main><form action="${action}" method="post"><input type="hidden" name="csrf_token" value="${escapeHtml(token)}"><button type="submit">Log out</button></form></main></body></html>\n`,
  )
}

/** The return URL: a safe same-origin path, or the default below the mount point. */
export function returnTo(value: unknown, context: Context, config: Resolved): string {
  return safeRedirect(value, context.origin) ?? context.scriptName + config.defaultRedirect
}

/**
 * Whether a POST comes from another site: `Sec-Fetch-Site: cross-site` (Fetch Metadata) or
 * an `Origin` other than ours (RFC 6454 section 7). Browsers that send neither still face
 * the token check.
 */
export function crossSite(request: Request, context: Context): boolean {
  if (request.headers.get('sec-fetch-site') === 'cross-site') return true
  const origin = request.headers.get('origin')
  return origin !== null && origin !== context.origin
}

/** Reads the form; `undefined` for a malformed body, a 413 response for an oversized one. */
export async function readLoginForm(
  request: Request,
  config: Resolved,
): Promise<MultiDict<string | File> | Response | undefined> {
  try {
    return await readForm(request, { maxBytes: config.maxBodyBytes, maxFields: 32, maxFiles: 0 })
  } catch (error) {
    if (!(error instanceof RequestBodyError)) throw error
    return error.status === 413 ? error.toResponse() : undefined
  }
}

/** Checks the submitted CSRF token against the cookie: identical, signed, unexpired. */
export async function validToken(
  request: Request,
  context: Context,
  config: Resolved,
  field: unknown,
): Promise<boolean> {
  const cookie = parseCookies(request.headers.get('cookie')).get(csrfCookie(context))
  if (typeof field !== 'string' || cookie === undefined) return false
  const same = timingSafeEqual(field, cookie)
  return (await config.csrf.verify(field)) && same
}

/** The LoginManager of the remembering filter above, or a logged configuration error. */
export function loginManager(context: Context) {
  const manager = context.get(loginKey)
  if (!manager)
    context.logger.error(
      '@paste/auth-form: no LoginManager in the context; install auth-cookie, auth-tkt or sessionLogin above authForm',
    )
  return manager
}
