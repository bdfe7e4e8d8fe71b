/*
 * Compiling grant rules and applying them to one address. Pure: no context, no I/O.
 */
import { addressMatcher } from '@paste/core'

/** One grant: which addresses it covers and what it gives them. */
export interface GrantIpRule {
  /** Addresses and CIDR networks, IPv4 or IPv6 (`10.0.0.0/8`, `2001:db8::/32`, `::1`). */
  match: string | readonly string[]
  /**
   * The user to set for these addresses; `null` removes an authenticated user (Paste's
   * `__remove__`). @default undefined (the user is left as it is)
   */
  user?: string | null
  /** Roles to grant; a role written `-name` is revoked instead. @default [] */
  roles?: readonly string[]
}

/** The outcome of the rules for one address. */
export interface Grant {
  /** `undefined`: leave the user; `null`: remove it; a string: set it. */
  user: string | null | undefined
  /** Roles to add, in rule order. */
  add: string[]
  /** Roles to revoke. */
  revoke: string[]
}

interface CompiledRule {
  matches: (address: string) => boolean
  user: string | null | undefined
  roles: readonly string[]
}

// role = 1*( ALPHA / DIGIT / "-" / "_" / "." / ":" ), optionally prefixed by "-" to revoke
const ROLE = /^-?[A-Za-z0-9_.:][A-Za-z0-9_.:-]*$/

/**
 * Checks and compiles rules once; throws a `TypeError` naming the bad entry.
 *
 * @example
 * const apply = compileRules([{ match: '10.0.0.0/8', roles: ['staff'] }])
 * apply('10.1.2.3') // { user: undefined, add: ['staff'], revoke: [] }
 */
export function compileRules(rules: readonly GrantIpRule[]): (address: string) => Grant {
  const compiled: CompiledRule[] = rules.map((rule, i) => {
    const where = `@paste/auth-grantip: rules[${i}]`
    const match = typeof rule.match === 'string' ? [rule.match] : rule.match
    if (!Array.isArray(match) || match.length === 0)
      throw new TypeError(`${where}.match must list at least one address or network`)
    if (
      rule.user !== undefined &&
      rule.user !== null &&
      (typeof rule.user !== 'string' || rule.user === '')
    )
      throw new TypeError(`${where}.user must be a non-empty string or null`)
    for (const role of rule.roles ?? [])
      if (typeof role !== 'string' || !ROLE.test(role))
        throw new TypeError(`${where}.roles: not a role name: ${JSON.stringify(role)}`)
    return {
      matches: addressMatcher(match, where),
      user: rule.user,
      roles: [...(rule.roles ?? [])],
    }
  })
  return (address) => {
    const grant: Grant = { user: undefined, add: [], revoke: [] }
    for (const rule of compiled) {
      if (!rule.matches(address)) continue
      // later rules win for the user; a removal (null) wins over any user (Paste semantics)
      if (rule.user === null) grant.user = null
      else if (rule.user !== undefined && grant.user !== null) grant.user = rule.user
      for (const role of rule.roles)
        if (role.startsWith('-')) grant.revoke.push(role.slice(1))
        else grant.add.push(role)
    }
    return grant
  }
}

/**
 * Merges granted and revoked roles into the roles an outer filter already set, without
 * duplicates; revocations win.
 *
 * @example
 * mergeRoles(['a'], { user: undefined, add: ['b', 'c'], revoke: ['a'] }) // ['b', 'c']
 */
export function mergeRoles(current: readonly string[], grant: Grant): readonly string[] {
  const roles = new Set(current)
  for (const role of grant.add) roles.add(role)
  for (const role of grant.revoke) roles.delete(role)
  return Object.freeze([...roles])
}

/**
 * Reads Paste's `[filter:grant]` configuration style: keys are addresses or networks,
 * values `user:roles`, where user `-` (or empty) leaves the user, `__remove__` removes it,
 * and roles are comma-separated (`-role` revokes, `-` alone means none). Throws a
 * `TypeError` naming a malformed entry.
 *
 * @example
 * grantRulesFromConfig({ '127.0.0.1': '-:system', '192.168.0.7': 'joe', '192.168.0.10': '__remove__:-editor' })
 */
export function grantRulesFromConfig(config: Readonly<Record<string, string>>): GrantIpRule[] {
  return Object.entries(config).map(([match, value]) => {
    if (typeof value !== 'string')
      throw new TypeError(`@paste/auth-grantip: config ${match}: value must be a string`)
    const colon = value.indexOf(':')
    const user = (colon === -1 ? value : value.slice(0, colon)).trim()
    const roles = colon === -1 ? '' : value.slice(colon + 1).trim()
    const rule: GrantIpRule = { match }
    if (user === '__remove__') rule.user = null
    else if (user !== '' && user !== '-') rule.user = user
    if (roles !== '' && roles !== '-') rule.roles = roles.split(',').map((r) => r.trim())
    return rule
  })
}
