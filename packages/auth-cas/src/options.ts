import { addressMatcher, type Context } from '@paste/core'
import { checkBase } from './service.js'
import { type CasLoginStore, memoryCasStore } from './store.js'

/** Options for {@link authCas}. */
export interface AuthCasOptions {
  /** The CAS server's base URL: `https://cas.example.org/cas` (its `/login` is below it). */
  server: string
  /**
   * This application's public base URL, as clients see it (`https://app.example.org`, or
   * with a path prefix a proxy strips). Service URLs are this + scriptName + pathInfo +
   * query; the Host header is never used.
   */
  baseUrl: string
  /** CAS protocol version: 1 (`/validate`), 2 (`/serviceValidate`), 3 (`/p3/serviceValidate`, attributes). @default 3 */
  version?: 1 | 2 | 3
  /** Which anonymous requests must log in (GET/HEAD are redirected, others get 401). @default true (all) */
  protect?: boolean | ((request: Request, context: Context) => boolean)
  /** For unprotected GET/HEAD requests, ask the server once per browser session whether the user is logged in (`gateway=true`). @default false */
  gateway?: boolean
  /** Require a fresh primary login (`renew=true`, CAS 2.1.1); SSO tickets are refused. @default false */
  renew?: boolean
  /** Timeout for each request to the CAS server, in ms. @default 5000 */
  timeout?: number
  /** The largest answer accepted from the CAS server, in bytes. @default 65536 */
  maxResponseBytes?: number
  /** How long a local login lasts, in seconds. @default 28800 (8 hours) */
  loginTtl?: number
  /** Where local logins live; use a shared store when several processes serve the app. @default memoryCasStore() */
  store?: CasLoginStore
  /** The login cookie's name. @default '__Host-paste-cas' for an https baseUrl, else 'paste-cas' */
  cookieName?: string
  /** Honour the CAS server's single-logout POST (SAML LogoutRequest). @default true */
  singleLogout?: boolean
  /** When set, only these addresses/networks may send single-logout POSTs. @default undefined (any) */
  logoutFrom?: readonly string[]
  /** A path (below the mount point) that ends the local login and redirects to the CAS logout. @default undefined (none) */
  logoutPath?: string
  /** A path (below the mount point) for the proxy callback (pgtUrl); enables `casKey.proxyTicket()`. @default undefined (no proxying) */
  proxyCallbackPath?: string
  /** Accept proxy tickets whose every proxy is in this list (`/proxyValidate`). @default undefined (service tickets only) */
  allowedProxies?: readonly string[]
  /** The fetch used to reach the CAS server. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch
}

/** The options, checked and with defaults. */
export interface Resolved {
  server: string
  baseUrl: string
  version: 1 | 2 | 3
  protect: (request: Request, context: Context) => boolean
  gateway: boolean
  renew: boolean
  timeout: number
  maxBytes: number
  loginTtl: number
  store: CasLoginStore
  cookieName: string
  secure: boolean
  singleLogout: boolean
  logoutFrom: ((address: string) => boolean) | undefined
  logoutPath: string | undefined
  proxyCallbackPath: string | undefined
  allowedProxies: readonly string[] | undefined
  fetch: typeof globalThis.fetch
}

const fail = (message: string): never => {
  throw new TypeError(`@paste/auth-cas: ${message}`)
}

// cookie-name = token (RFC 6265 4.1.1, RFC 9110 5.6.2)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < 1) fail(`${name} must be a positive integer`)
  return v
}

function path(value: string | undefined, name: string): string | undefined {
  if (value !== undefined && !/^\/[A-Za-z0-9\-._~/]*$/.test(value))
    fail(`${name} must be a path like /cas/logout`)
  return value
}

/** Checks the options once; throws a `TypeError` naming the bad option. */
export function resolveOptions(options: AuthCasOptions): Resolved {
  if (typeof options !== 'object' || options === null) fail('options are required')
  const server = checkBase(options.server, 'server')
  const baseUrl = checkBase(options.baseUrl, 'baseUrl')
  const version = options.version ?? 3
  if (version !== 1 && version !== 2 && version !== 3) fail('version must be 1, 2 or 3')
  const protect = options.protect ?? true
  if (typeof protect !== 'boolean' && typeof protect !== 'function')
    fail('protect must be a boolean or a function')
  const secure = baseUrl.startsWith('https:')
  const cookieName = options.cookieName ?? (secure ? '__Host-paste-cas' : 'paste-cas')
  if (!TOKEN.test(cookieName)) fail('cookieName must be a cookie name token')
  if (cookieName.startsWith('__Host-') && !secure)
    fail('a __Host- cookieName needs an https baseUrl')
  if (version === 1 && (options.proxyCallbackPath || options.allowedProxies))
    fail('proxying needs version 2 or 3')
  return {
    server,
    baseUrl,
    version,
    protect: typeof protect === 'function' ? protect : () => protect,
    gateway: options.gateway ?? false,
    renew: options.renew ?? false,
    timeout: positiveInt(options.timeout, 5000, 'timeout'),
    maxBytes: positiveInt(options.maxResponseBytes, 65536, 'maxResponseBytes'),
    loginTtl: positiveInt(options.loginTtl, 8 * 3600, 'loginTtl'),
    store: options.store ?? memoryCasStore(),
    cookieName,
    secure,
    singleLogout: options.singleLogout ?? true,
    logoutFrom:
      options.logoutFrom && addressMatcher(options.logoutFrom, '@paste/auth-cas: logoutFrom'),
    logoutPath: path(options.logoutPath, 'logoutPath'),
    proxyCallbackPath: path(options.proxyCallbackPath, 'proxyCallbackPath'),
    allowedProxies: options.allowedProxies ? [...options.allowedProxies] : undefined,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  }
}
