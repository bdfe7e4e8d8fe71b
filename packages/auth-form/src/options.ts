import type { Context } from '@paste/core'
import { type Csrf, createCsrf } from './csrf.js'
import { createThrottle, type RateLimitOptions, type Throttle } from './rate-limit.js'
import { compileTemplate, defaultTemplate, type LoginView } from './template.js'

/**
 * Checks a user name and password. Return `true` to log in as `username`, a string to log
 * in under that (canonical) name, or `false`. Compare secrets with a password hash's own
 * verify function or `timingSafeEqual`, never `===`. May be async.
 */
export type FormCheck = (
  username: string,
  password: string,
  request: Request,
  context: Context,
) => boolean | string | Promise<boolean | string>

/** Options for {@link authForm}. */
export interface AuthFormOptions {
  /** Checks the credentials. Required. */
  check: FormCheck
  /** The HMAC key for CSRF tokens: 32 bytes or more (a string is used as UTF-8). Required. */
  secret: string | Uint8Array
  /** The login page, below the mount point. @default '/login' */
  loginPath?: string
  /** The logout page (GET shows a button, POST logs out), below the mount point. @default '/logout' */
  logoutPath?: string
  /** Which anonymous requests must log in (GET/HEAD are redirected to the login page, others get 401). @default true */
  protect?: boolean | ((request: Request, context: Context) => boolean)
  /** The login page: a function of the escaped {@link LoginView}, or a string with `{{action}}`, `{{came_from}}`, `{{csrf_token}}`, `{{error}}`, `{{username}}`. @default a plain form */
  template?: string | ((view: LoginView) => string)
  /** Where to go after login (or logout) when there is no safe `came_from`, below the mount point. @default '/' */
  defaultRedirect?: string
  /** Lifetime of a CSRF token, in seconds. @default 3600 */
  csrfTtl?: number
  /** Login throttling per (address, user name), or `false`. @default { attempts: 5, window: 900 } */
  rateLimit?: RateLimitOptions | false
  /** The largest login form body, in bytes. @default 16384 */
  maxBodyBytes?: number
  /** The realm in the `WWW-Authenticate: Form` challenge of a 401. @default 'login' */
  realm?: string
}

/** The options, checked, with defaults. */
export interface Resolved {
  check: FormCheck
  csrf: Csrf
  csrfTtl: number
  loginPath: string
  logoutPath: string
  protect: (request: Request, context: Context) => boolean
  render: (view: LoginView) => string
  defaultRedirect: string
  throttle: Throttle | undefined
  maxBodyBytes: number
  challenge: string
}

const fail = (message: string): never => {
  throw new TypeError(`@paste/auth-form: ${message}`)
}

// a path of RFC 3986 unreserved characters and "/", starting with "/"
const PATH = /^\/[A-Za-z0-9\-._~/]*$/

function path(value: string | undefined, fallback: string, name: string): string {
  const v = value ?? fallback
  if (typeof v !== 'string' || !PATH.test(v) || v.startsWith('//'))
    fail(`${name} must be a path like /login`)
  return v
}

function secretBytes(secret: unknown): Uint8Array {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
  if (!(bytes instanceof Uint8Array) || bytes.length < 32) fail('secret must be at least 32 bytes')
  return (bytes as Uint8Array).slice()
}

/** Checks the options once; throws a `TypeError` naming the bad option. */
export function resolveOptions(options: AuthFormOptions): Resolved {
  if (typeof options?.check !== 'function') fail('check must be a function')
  const csrfTtl = options.csrfTtl ?? 3600
  if (!Number.isInteger(csrfTtl) || csrfTtl < 60)
    fail('csrfTtl must be an integer of at least 60 seconds')
  const protect = options.protect ?? true
  if (typeof protect !== 'boolean' && typeof protect !== 'function')
    fail('protect must be a boolean or a function')
  const template = options.template ?? defaultTemplate
  if (typeof template !== 'string' && typeof template !== 'function')
    fail('template must be a string or a function')
  const maxBodyBytes = options.maxBodyBytes ?? 16384
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 256)
    fail('maxBodyBytes must be an integer of at least 256')
  const realm = options.realm ?? 'login'
  if (!/^[\x20-\x7e]{1,100}$/.test(realm) || /["\\]/.test(realm))
    fail('realm must be printable ASCII without quotes')
  const loginPath = path(options.loginPath, '/login', 'loginPath')
  const logoutPath = path(options.logoutPath, '/logout', 'logoutPath')
  if (loginPath === logoutPath) fail('loginPath and logoutPath must differ')
  return {
    check: options.check,
    csrf: createCsrf(secretBytes(options.secret), csrfTtl),
    csrfTtl,
    loginPath,
    logoutPath,
    protect: typeof protect === 'function' ? protect : () => protect,
    render: typeof template === 'string' ? compileTemplate(template) : template,
    defaultRedirect: path(options.defaultRedirect, '/', 'defaultRedirect'),
    throttle: options.rateLimit === false ? undefined : createThrottle(options.rateLimit ?? {}),
    maxBodyBytes,
    challenge: `Form realm="${realm}"`,
  }
}
