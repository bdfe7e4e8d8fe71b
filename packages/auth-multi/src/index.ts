import { createKey, type Key, type Middleware } from '@paste/core'
import type { AuthPredicate } from './predicates.js'

export {
  type AuthPredicate,
  acceptsHtml,
  hasAuthorization,
  isBrowser,
  queryParameter,
} from './predicates.js'

/** One authentication method and when to use it. */
export interface AuthMethod {
  /** A name for logs and {@link authMethodKey}. */
  name: string
  /** Whether this method handles the request. Methods are tried in order. */
  when: AuthPredicate
  /** The authentication middleware (`authForm(...)`, `authBasic(...)`, `authDigest(...)`). */
  use: Middleware
}

/** Options for {@link authMulti}. */
export interface AuthMultiOptions {
  /** The methods, tried in order; the first whose `when` is true handles the request. */
  methods: readonly AuthMethod[]
  /**
   * The method for requests no predicate claims: a method name from `methods`, or `null`
   * to let them through to the app unauthenticated (Paste's behaviour). @default the first method
   */
  default?: string | null
}

/**
 * The name of the method chosen for the request, for the app below.
 *
 * @example
 * const how = context.get(authMethodKey) // 'form' | 'digest' | undefined
 */
export const authMethodKey: Key<string> = createKey<string>('@paste/auth-multi:method')

/**
 * Chooses an authentication method per request: browsers get a login form, API clients
 * Basic or Digest, with a default.
 *
 * @example
 * const site = pipe(app, authCookie({ secrets: [cookieSecret] }), authMulti({
 *   methods: [
 *     { name: 'digest', when: hasAuthorization('digest'), use: authDigest({ realm, users }) },
 *     { name: 'form', when: isBrowser, use: authForm({ check }) },
 *   ],
 *   default: 'digest',
 * }))
 */
export function authMulti(options: AuthMultiOptions): Middleware {
  const methods = checkMethods(options)
  const fallback = options.default === undefined ? methods[0]!.name : options.default
  if (fallback !== null && !methods.some((m) => m.name === fallback))
    throw new TypeError(`@paste/auth-multi: default names no method: ${fallback}`)
  return (app) => {
    // every method wraps the app once, at creation, not per request
    const wrapped = methods.map((m) => ({ ...m, app: m.use(app) }))
    const otherwise = wrapped.find((m) => m.name === fallback)
    return function authMulti(request, context) {
      const chosen = wrapped.find((m) => m.when(request, context)) ?? otherwise
      // no method claims the request and there is no default: the app decides
      if (!chosen) return app(request, context)
      return chosen.app(request, context.with(authMethodKey, chosen.name))
    }
  }
}

function checkMethods(options: AuthMultiOptions): readonly AuthMethod[] {
  const methods = options?.methods
  if (!Array.isArray(methods) || methods.length === 0)
    throw new TypeError('@paste/auth-multi: methods must list at least one method')
  const names = new Set<string>()
  methods.forEach((m: AuthMethod, i) => {
    if (typeof m?.name !== 'string' || m.name === '' || names.has(m.name))
      throw new TypeError(`@paste/auth-multi: methods[${i}].name must be a unique non-empty string`)
    if (typeof m.when !== 'function' || typeof m.use !== 'function')
      throw new TypeError(`@paste/auth-multi: methods[${i}] needs when and use functions`)
    names.add(m.name)
  })
  return methods.map((m) => ({ ...m }))
}
