import {
  type App,
  type Context,
  createKey,
  isHttpError,
  type Key,
  type LoginManager,
  loginKey,
  type Middleware,
} from '@paste/core'
import { parseCookies } from '@paste/request'
import { deleteCookie, mutableResponse, setCookie } from '@paste/response'
import { decodeCookieValue, encodeCookieValue } from './cookie-value.js'
import { type AuthTktOptions, resolve } from './options.js'
import {
  checkTicketInput,
  cookieValueLength,
  createTicket,
  parseTicket,
  type TicketFields,
} from './ticket.js'

export * from './cookie-value.js'
export type { AuthTktOptions } from './options.js'
export * from './ticket.js'

/** What the app below learns about a ticket-authenticated user. */
export interface TicketInfo {
  user: string
  tokens: readonly string[]
  userData: string
  /** Issue time of the ticket, seconds since the epoch. */
  time: number
}

/**
 * Where {@link authTkt} puts the ticket's tokens and user data (mod_auth_tkt's
 * `REMOTE_USER_TOKENS` and `REMOTE_USER_DATA`).
 *
 * @example
 * const roles = context.get(authTktKey)?.tokens ?? []
 */
export const authTktKey: Key<TicketInfo> = createKey<TicketInfo>('@paste/auth-tkt')

/** A cookie change decided while handling a request. */
type Pending = { ticket: TicketFields } | 'logout' | undefined

/**
 * Ticket authentication compatible with Apache's mod_auth_tkt and Paste's `auth_tkt`: reads
 * the `auth_tkt` cookie, sets `context.remoteUser` (and {@link authTktKey}) for a valid,
 * unexpired ticket, and offers a `LoginManager` under core's `loginKey` so a login page can
 * sign users in and out. Bad, forged, expired or foreign tickets leave the request anonymous.
 *
 * @example
 * const site = pipe(app, authTkt({ secret: process.env.TKT_SECRET!, domain: 'example.org' }))
 * // in the login page: await context.require(loginKey).login('alice', { tokens: ['editor'] })
 */
export function authTkt(options: AuthTktOptions): Middleware {
  const config = resolve(options)
  const persistent = options.maxAge === undefined ? {} : { maxAge: options.maxAge }

  async function readTicket(raw: string, ip: string) {
    const ticket = decodeCookieValue(raw)
    if (ticket === undefined) return undefined
    for (const [index, secret] of config.secrets.entries()) {
      const fields = await parseTicket(secret, ticket, ip, config.digest)
      if (fields) return { fields, oldSecret: index > 0 }
    }
    return undefined
  }

  /** Reads the ticket: the context for the app below, and any cookie change it calls for. */
  async function authenticate(request: Request, context: Context, ip: string, now: number) {
    const raw = parseCookies(request.headers.get('cookie')).get(config.cookieName)
    const found = raw ? await readTicket(raw, ip) : undefined
    // No ticket, or one that is forged, foreign or malformed: anonymous.
    if (!found) {
      if (raw) context.logger.debug('auth-tkt: ignoring an invalid ticket')
      return { inner: context, pending: undefined }
    }
    const { fields } = found
    // An expired or future-dated ticket is refused and deleted (as mod_auth_tkt does).
    if (now > fields.time + config.timeout || fields.time > now + 60)
      return { inner: context, pending: 'logout' as const }
    const info = {
      user: fields.userid,
      tokens: fields.tokens,
      userData: fields.userData,
      time: fields.time,
    }
    const inner = context
      .derive({ remoteUser: fields.userid, authType: 'cookie' })
      .with(authTktKey, info)
    // Reissue when the ticket is getting old, or was signed with an old secret.
    const renew =
      found.oldSecret || fields.time + config.timeout - now < config.refresh * config.timeout
    return { inner, pending: renew ? { ticket: { ...fields, time: now } } : undefined }
  }

  return (app: App) =>
    async function authTkt(request, context) {
      const ip = config.includeIp ? context.remoteAddress : '0.0.0.0'
      const secure = config.secure === 'auto' ? context.scheme === 'https' : config.secure
      const cookieOptions = { ...config.cookie, secure }
      let { inner, pending }: { inner: Context; pending: Pending } = await authenticate(
        request,
        context,
        ip,
        Math.floor(Date.now() / 1000),
      )
      // The logout path signs out and is served anonymously.
      if (config.logoutPath !== undefined && context.pathInfo === config.logoutPath) {
        pending = 'logout'
        inner = context
      }
      const manager: LoginManager = {
        login(user, details = {}) {
          const { tokens = [], userData = '' } = details
          checkTicketInput(user, tokens, userData, ip) // fail in the login page, not after it
          // RFC 6265bis 5.7: browsers drop a cookie whose name and value exceed 4096 bytes
          if (
            config.cookieName.length + cookieValueLength(user, tokens, userData, config.digest) >
            4096
          )
            throw new RangeError('@paste/auth-tkt: the ticket cookie would exceed 4096 bytes')
          pending = {
            ticket: { userid: user, tokens, userData, time: Math.floor(Date.now() / 1000) },
          }
        },
        logout() {
          pending = 'logout'
        },
      }
      let response: Response
      try {
        response = await app(request, inner.with(loginKey, manager))
      } catch (error) {
        // A login page that throws a redirect still gets its cookie (Paste loses it).
        if (!isHttpError(error) || pending === undefined) throw error
        response = error.toResponse(request, inner)
      }
      // Nothing to change: the response as the app made it.
      if (pending === undefined) return response
      if (pending === 'logout')
        return deleteCookie(mutableResponse(response), config.cookieName, cookieOptions)
      const ticket = await createTicket({
        secret: config.secrets[0]!,
        ip,
        digest: config.digest,
        ...pending.ticket,
      })
      const value = encodeCookieValue(ticket)
      return setCookie(mutableResponse(response), config.cookieName, value, {
        ...cookieOptions,
        ...persistent,
      })
    }
}
