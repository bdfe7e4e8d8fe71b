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
import { type CookieOptions, deleteCookie, mutableResponse, setCookie } from '@paste/response'
import {
  checkTicketInput,
  createTicket,
  decodeCookieValue,
  encodeCookieValue,
  parseTicket,
  type TicketDigest,
  type TicketFields,
} from './ticket.js'

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

/** Options for {@link authTkt}. Match them to the Apache side (`TKTAuth*`) when sharing tickets. */
export interface AuthTktOptions {
  /** The shared secret (`TKTAuthSecret`). Required; use 32+ random characters (shorter secrets are accepted for existing Apache setups). */
  secret: string
  /** Earlier secrets still accepted; such tickets are reissued with `secret` (`TKTAuthSecretOld`). @default [] */
  oldSecrets?: readonly string[]
  /** The digest (`TKTAuthDigestType`: MD5, SHA256, SHA512). @default 'sha256' */
  digest?: TicketDigest
  /** The cookie name (`TKTAuthCookieName`). @default 'auth_tkt' */
  cookieName?: string
  /** Bind tickets to the client address (`TKTAuthIgnoreIP off`); `false` binds to 0.0.0.0. @default true */
  includeIp?: boolean
  /** Seconds a ticket is valid after it was issued (`TKTAuthTimeout`). @default 7200 */
  timeout?: number
  /** Reissue a ticket when less than this fraction of `timeout` is left (`TKTAuthTimeoutRefresh`); 0 never. @default 0.5 */
  refresh?: number
  /** Cookie `Secure`; `'auto'` sets it on HTTPS requests. @default 'auto' */
  secure?: boolean | 'auto'
  /** Cookie `HttpOnly`. @default true */
  httpOnly?: boolean
  /** Cookie `SameSite`. @default 'Lax' */
  sameSite?: 'Strict' | 'Lax' | 'None'
  /** Cookie `Domain` (`TKTAuthDomain`); never taken from the Host header. @default none (host-only) */
  domain?: string
  /** Cookie `Path`. @default '/' */
  path?: string
  /** Cookie `Max-Age` in seconds for a persistent cookie (`TKTAuthCookieExpires`). @default none (a session cookie) */
  maxAge?: number
  /** A path (pathInfo) whose requests also sign the user out (Paste's `logout_path`). @default none */
  logoutPath?: string
}

/** A cookie change decided while handling a request. */
type Pending = { ticket: TicketFields } | 'logout' | undefined

const fail = (message: string): never => {
  throw new TypeError(`@paste/auth-tkt: ${message}`)
}

function resolve(options: AuthTktOptions) {
  if (typeof options?.secret !== 'string' || options.secret === '')
    fail('secret must be a non-empty string')
  const digest = options.digest ?? 'sha256'
  if (!['md5', 'sha256', 'sha512'].includes(digest))
    fail("digest must be 'md5', 'sha256' or 'sha512'")
  const timeout = options.timeout ?? 7200
  if (!Number.isInteger(timeout) || timeout <= 0)
    fail('timeout must be a positive integer of seconds (old tickets must expire)')
  const refresh = options.refresh ?? 0.5
  if (!(refresh >= 0 && refresh <= 1)) fail('refresh must be between 0 and 1')
  const cookieName = options.cookieName ?? 'auth_tkt'
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName)) fail('cookieName must be a token')
  if (options.maxAge !== undefined && !(Number.isInteger(options.maxAge) && options.maxAge > 0))
    fail('maxAge must be a positive integer')
  const cookie: CookieOptions = {
    path: options.path ?? '/',
    httpOnly: options.httpOnly ?? true,
    sameSite: options.sameSite ?? 'Lax',
  }
  if (options.domain !== undefined) cookie.domain = options.domain
  // serializeCookie validates path, domain and prefixes now rather than on the first login
  setCookie(new Headers(), cookieName, 'x', { ...cookie, secure: options.secure !== false })
  return {
    digest,
    timeout,
    refresh,
    cookieName,
    cookie,
    secrets: [options.secret, ...(options.oldSecrets ?? [])],
    secure: options.secure ?? 'auto',
    includeIp: options.includeIp ?? true,
    logoutPath: options.logoutPath,
  }
}

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
