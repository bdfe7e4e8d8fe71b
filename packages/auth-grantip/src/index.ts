import { addressMatcher, type Context, createKey, type Key, type Middleware } from '@paste/core'
import { compileRules, type Grant, type GrantIpRule, mergeRoles } from './rules.js'

export type { Grant, GrantIpRule } from './rules.js'
export { compileRules, grantRulesFromConfig, mergeRoles } from './rules.js'

/**
 * The roles granted to the request (Paste's `REMOTE_USER_TOKENS`), read-only. Filters that
 * grant roles add to what an outer filter set.
 *
 * @example
 * const roles = context.get(rolesKey) ?? []
 * if (!roles.includes('admin')) throw new Forbidden()
 */
export const rolesKey: Key<readonly string[]> = createKey<readonly string[]>(
  '@paste/auth-grantip:roles',
)

/** Options for {@link grantIp}. */
export interface GrantIpOptions {
  /** Grants, applied in order; every matching rule applies. @default [] */
  rules?: readonly GrantIpRule[]
  /** Addresses and networks refused with 403 before anything else. @default [] */
  deny?: readonly string[]
  /**
   * When set, only these addresses and networks are let through; others (and requests whose
   * address is unknown, such as Unix sockets) get 403. @default undefined (everyone)
   */
  allow?: readonly string[]
  /** Replace a user an outer filter already authenticated. @default false */
  overrideUser?: boolean
  /** The auth type set with a granted user. @default 'grantip' */
  authType?: string
}

/**
 * Grants a user and roles by client address (IPv4, IPv6, IPv4-mapped IPv6), and refuses
 * denied addresses. It reads `context.remoteAddress`, which `@paste/core` resolves from
 * `Forwarded` / `X-Forwarded-For` only for peers listed in the server's `trustProxy`.
 *
 * @example
 * const site = pipe(app, grantIp({
 *   rules: [
 *     { match: ['127.0.0.1', '::1'], roles: ['system'] },
 *     { match: '192.168.0.0/24', roles: ['editor'] },
 *     { match: '192.168.0.7', user: 'joe' },
 *   ],
 *   deny: ['192.168.0.66'],
 * }))
 */
export function grantIp(options: GrantIpOptions = {}): Middleware {
  const apply = compileRules(options.rules ?? [])
  const denied = addressMatcher(options.deny ?? [], '@paste/auth-grantip: deny')
  const allowed = options.allow && addressMatcher(options.allow, '@paste/auth-grantip: allow')
  const overrideUser = options.overrideUser ?? false
  const authType = options.authType ?? 'grantip'
  if (typeof authType !== 'string' || authType === '')
    throw new TypeError('@paste/auth-grantip: authType must be a non-empty string')
  return (app) =>
    function grantIp(request, context) {
      const address = context.remoteAddress
      // a denied address never reaches the app
      if (denied(address)) return refuse(context, address, 'denied')
      // with an allow list, everything not on it (an unknown address too) is refused
      if (allowed && !allowed(address)) return refuse(context, address, 'not allowed')
      const grant = apply(address)
      // no rule matched: the request passes unchanged
      if (grant.user === undefined && grant.add.length === 0 && grant.revoke.length === 0)
        return app(request, context)
      return app(request, granted(context, grant, overrideUser, authType))
    }
}

function granted(context: Context, grant: Grant, overrideUser: boolean, authType: string): Context {
  let next = context
  if (grant.user === null) next = next.derive({ remoteUser: undefined, authType: undefined })
  else if (grant.user !== undefined && (next.remoteUser === undefined || overrideUser))
    next = next.derive({ remoteUser: grant.user, authType })
  if (grant.add.length > 0 || grant.revoke.length > 0)
    next = next.with(rolesKey, mergeRoles(context.get(rolesKey) ?? [], grant))
  return next
}

function refuse(context: Context, address: string, why: string): Response {
  context.logger.warn(`@paste/auth-grantip: ${why}`, { address })
  return new Response('Forbidden\n', {
    status: 403,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })
}
