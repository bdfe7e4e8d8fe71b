/*
 * The request handlers behind authCas: ticket validation, the proxy callback, single logout
 * and local logout.
 */
import type { Context } from '@paste/core'
import { readForm } from '@paste/request'
import type { Resolved } from './options.js'
import { badGateway, cookie, ok, randomId, seeOther, unauthorized } from './respond.js'
import { endpoint, serviceUrl } from './service.js'
import type { CasLoginRecord } from './store.js'
import { CasUpstreamError } from './upstream.js'
import { validateTicket } from './validate.js'
import { CasProtocolError, parseLogoutRequest } from './xml.js'

// pgtIou / pgtId: "PGTIOU-" / "PGT-" followed by up to 256 unreserved characters (CAS 3.0 3.3, 3.4)
const PGT_IOU = /^PGTIOU-[A-Za-z0-9._~-]{1,256}$/
const PGT = /^PGT-[A-Za-z0-9._~-]{1,256}$/

/** The proxy callback URL for this mount point, when proxying is on. */
export function pgtUrl(config: Resolved, context: Context): string | undefined {
  return (
    config.proxyCallbackPath && `${config.baseUrl}${context.scriptName}${config.proxyCallbackPath}`
  )
}

/**
 * Validates a ticket; on success stores a local login and redirects to the clean service URL
 * with the login cookie (so the ticket leaves the address bar and the history).
 */
export async function loginWithTicket(
  request: Request,
  context: Context,
  config: Resolved,
  ticket: string,
  rest: string,
): Promise<Response> {
  const service = serviceUrl(config.baseUrl, context, rest)
  let result: Awaited<ReturnType<typeof validateTicket>>
  try {
    result = await validateTicket(config, service, ticket, pgtUrl(config, context), context.signal)
  } catch (error) {
    if (error instanceof CasUpstreamError || error instanceof CasProtocolError)
      return badGateway(request, context, error.message)
    throw error
  }
  // the server refused the ticket (used, expired, for another service): credentials invalid
  if (!result.ok) {
    context.logger.info('@paste/auth-cas: ticket refused', { code: result.code })
    return unauthorized(
      request,
      context,
      config.server,
      'The login ticket was not accepted; log in again.',
    )
  }
  const record: CasLoginRecord = {
    user: result.user,
    attributes: result.attributes,
    ticket,
    expires: Date.now() + config.loginTtl * 1000,
  }
  const pgt = result.pgtIou && (await config.store.takeProxyGrantingTicket(result.pgtIou))
  if (pgt) record.proxyGrantingTicket = pgt
  const id = randomId()
  await config.store.set(id, record)
  context.logger.info('@paste/auth-cas: login', { user: result.user })
  return seeOther(service, [
    cookie(config.cookieName, id, { secure: config.secure, maxAge: config.loginTtl }),
  ])
}

/** The proxy callback (CAS 3.0 section 2.5.4): keeps the PGT under its IOU. */
export async function proxyCallback(
  request: Request,
  context: Context,
  config: Resolved,
): Promise<Response> {
  const query = new URLSearchParams(context.search)
  const iou = query.get('pgtIou')
  const pgt = query.get('pgtId')
  // the server may first call without parameters to check the endpoint
  if (iou === null && pgt === null) return ok()
  if (
    request.method !== 'GET' ||
    iou === null ||
    pgt === null ||
    !PGT_IOU.test(iou) ||
    !PGT.test(pgt)
  )
    return new Response('Bad Request\n', {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    })
  await config.store.putProxyGrantingTicket(iou, pgt)
  return ok()
}

const MAX_LOGOUT_BYTES = 32 * 1024

/**
 * Tells whether a POST may be the CAS server's single-logout request: a small urlencoded
 * form, from an allowed address. Other POSTs are left alone without reading their body.
 */
export function maybeLogoutPost(request: Request, context: Context, config: Resolved): boolean {
  if (!config.singleLogout || request.method !== 'POST') return false
  const type = request.headers.get('content-type')?.toLowerCase() ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded')) return false
  // a declared length past the cap is not a logout request; an undeclared one is capped while read
  const length = Number(request.headers.get('content-length') ?? 0)
  if (!(length >= 0 && length <= MAX_LOGOUT_BYTES)) return false
  return config.logoutFrom === undefined || config.logoutFrom(context.remoteAddress)
}

/**
 * Handles a single-logout POST (CAS 3.0 section 2.3.3): ends the login whose ticket the
 * SAML `SessionIndex` names. Returns `undefined` when the POST is not one (the app gets it).
 */
export async function singleLogout(
  request: Request,
  context: Context,
  config: Resolved,
): Promise<Response | undefined> {
  let field: unknown
  try {
    field = (await readForm(request.clone(), { maxBytes: MAX_LOGOUT_BYTES, maxFields: 16 })).get(
      'logoutRequest',
    )
  } catch {
    return undefined
  }
  if (typeof field !== 'string') return undefined
  const ticket = parseLogoutRequest(field)
  if (ticket === undefined) {
    context.logger.warn('@paste/auth-cas: malformed single-logout request', {
      address: context.remoteAddress,
    })
    return new Response('Bad Request\n', {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    })
  }
  const ended = await config.store.deleteByTicket(ticket)
  context.logger.info('@paste/auth-cas: single logout', { ended })
  return ok()
}

/** Local logout: ends the login, deletes the cookie, sends the browser to the CAS logout. */
export async function localLogout(
  context: Context,
  config: Resolved,
  id: string | undefined,
): Promise<Response> {
  if (id !== undefined) await config.store.delete(id)
  const service = `${config.baseUrl}${context.scriptName}/`
  const location = endpoint(config.server, '/logout', { service })
  return seeOther(location, [cookie(config.cookieName, '', { secure: config.secure, maxAge: 0 })])
}
