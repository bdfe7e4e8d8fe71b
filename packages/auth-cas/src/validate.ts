/*
 * Ticket validation against the CAS server (CAS protocol 3.0, sections 2.4-2.6, 2.8).
 */
import type { Resolved } from './options.js'
import { endpoint } from './service.js'
import { getCapped } from './upstream.js'
import {
  type CasFailure,
  CasProtocolError,
  type CasSuccess,
  parseProxyResponse,
  parseServiceResponse,
} from './xml.js'

/**
 * Reads a CAS 1.0 `/validate` answer: `yes\n<user>\n` or `no\n\n` (section 2.4.2).
 *
 * @example
 * parseValidateV1('yes\nalice\n') // { ok: true, user: 'alice', ... }
 */
export function parseValidateV1(text: string): CasSuccess | CasFailure {
  const lines = text.split('\n')
  if (lines[0] === 'no') return { ok: false, code: 'INVALID_TICKET' }
  const user = lines[1]?.replace(/\r$/, '')
  if (lines[0]?.replace(/\r$/, '') !== 'yes' || !user || /[\u0000-\u001f\u007f]/.test(user))
    throw new CasProtocolError('malformed CAS 1.0 answer')
  return { ok: true, user, attributes: {}, pgtIou: undefined, proxies: [] }
}

/**
 * Validates a ticket for a service URL. Throws `CasUpstreamError` (no usable answer) or
 * `CasProtocolError` (not a CAS document); both mean 502.
 */
export async function validateTicket(
  config: Resolved,
  service: string,
  ticket: string,
  pgtUrl: string | undefined,
  signal: AbortSignal | undefined,
): Promise<CasSuccess | CasFailure> {
  const upstream = {
    fetch: config.fetch,
    timeout: config.timeout,
    maxBytes: config.maxBytes,
    ...(signal ? { signal } : {}),
  }
  const renew = config.renew ? 'true' : undefined
  if (config.version === 1) {
    const url = endpoint(config.server, '/validate', { service, ticket, renew })
    return parseValidateV1(await getCapped(url, upstream))
  }
  const prefix = config.version === 3 ? '/p3' : ''
  const path = config.allowedProxies ? '/proxyValidate' : '/serviceValidate'
  const url = endpoint(config.server, prefix + path, { service, ticket, renew, pgtUrl })
  const result = parseServiceResponse(await getCapped(url, upstream))
  // a proxy ticket is accepted only when every proxy in its chain is allowed (section 2.6)
  if (result.ok && result.proxies.some((p) => !config.allowedProxies?.includes(p)))
    return { ok: false, code: 'UNAUTHORIZED_PROXY' }
  return result
}

/**
 * Asks the server for a proxy ticket for `targetService` (section 2.7).
 */
export async function requestProxyTicket(
  config: Resolved,
  pgt: string,
  targetService: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  const url = endpoint(config.server, '/proxy', { pgt, targetService })
  const upstream = {
    fetch: config.fetch,
    timeout: config.timeout,
    maxBytes: config.maxBytes,
    ...(signal ? { signal } : {}),
  }
  const result = parseProxyResponse(await getCapped(url, upstream))
  if (!result.ok) throw new CasProtocolError(`proxy ticket refused: ${result.code}`)
  return result.ticket
}
