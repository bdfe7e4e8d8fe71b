/*
 * Request-local objects (Paste's paste.registry) and request-scoped configuration
 * (paste.config). Paste kept a stack of objects per thread; here each value lives in an
 * AsyncLocalStorage, so it follows the request through awaits, timers and streams, and two
 * requests in flight at once never see each other's. A middleware registers values for the
 * request it wraps; code anywhere below reads them through a `RequestLocal`, or through a
 * proxy object that stands for the current value (Paste's StackedObjectProxy).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { App, Context, Middleware } from '@paste/core'

/** A value that is different for each request (and may be absent outside one). */
export class RequestLocal<T> {
  readonly name: string
  readonly #storage = new AsyncLocalStorage<{ value: T }>()
  readonly #fallbacks: T[] = []

  constructor(name: string) {
    this.name = name
  }

  /** Whether a value is registered for the current request, or a process-wide one is pushed. */
  get available(): boolean {
    return this.#storage.getStore() !== undefined || this.#fallbacks.length > 0
  }

  /** The current request's value, else the newest process-wide one; throws if neither. */
  get current(): T {
    const store = this.#storage.getStore()
    if (store !== undefined) return store.value
    if (this.#fallbacks.length > 0) return this.#fallbacks[this.#fallbacks.length - 1]!
    throw new TypeError(
      `@paste/registry: no ${this.name} is registered here (is its middleware above this code, and is this code running inside the request?)`,
    )
  }

  /** The current value, or `undefined`. */
  get maybe(): T | undefined {
    return this.available ? this.current : undefined
  }

  /** Runs `fn` with `value` as the current value (nested runs shadow, then restore). */
  run<R>(value: T, fn: () => R): R {
    return this.#storage.run({ value }, fn)
  }

  /**
   * Makes `value` the process-wide fallback (Paste's `push_process_config`), used where no
   * request registered one; returns the function that removes it.
   */
  pushProcessValue(value: T): () => void {
    this.#fallbacks.push(value)
    return () => {
      const i = this.#fallbacks.lastIndexOf(value)
      if (i !== -1) this.#fallbacks.splice(i, 1)
    }
  }

  /**
   * An object standing for the current value: property reads, writes, calls of methods,
   * `in`, and key listing go to whatever value is current when they happen (Paste's
   * StackedObjectProxy). Keep a reference anywhere, even at module level.
   */
  proxy(): T extends object ? T : never {
    const local = this
    return new Proxy(Object.create(null), {
      get(_, key) {
        const target = local.current as Record<PropertyKey, unknown>
        const value = Reflect.get(target, key, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
      set: (_, key, value) => Reflect.set(local.current as object, key, value),
      has: (_, key) => Reflect.has(local.current as object, key),
      deleteProperty: (_, key) => Reflect.deleteProperty(local.current as object, key),
      ownKeys: () => Reflect.ownKeys(local.current as object),
      getOwnPropertyDescriptor(_, key) {
        const descriptor = Reflect.getOwnPropertyDescriptor(local.current as object, key)
        // the proxy's target is extensible: every property may be reported configurable
        if (descriptor) descriptor.configurable = true
        return descriptor
      },
    }) as T extends object ? T : never
  }
}

/**
 * A new request-local value named `name` (the name shows in errors).
 *
 * @example
 * export const currentUser = requestLocal<User>('currentUser')
 */
export function requestLocal<T>(name: string): RequestLocal<T> {
  if (typeof name !== 'string' || name === '')
    throw new TypeError('@paste/registry: a name is required')
  return new RequestLocal<T>(name)
}

declare const registration: unique symbol

/** One value to register: made by {@link register}. */
export interface Registration {
  readonly [registration]: true
}

interface Entry {
  local: RequestLocal<unknown>
  make: (request: Request, context: Context) => unknown
}

/**
 * Pairs a request-local with the function making its value for a request, for
 * {@link registry}.
 *
 * @example
 * register(currentUser, (_request, context) => context.remoteUser)
 */
export function register<T>(
  local: RequestLocal<T>,
  make: (request: Request, context: Context) => T | Promise<T>,
): Registration {
  if (!(local instanceof RequestLocal)) throw new TypeError('@paste/registry: not a RequestLocal')
  if (typeof make !== 'function') throw new TypeError('@paste/registry: make must be a function')
  return { local, make } as unknown as Registration
}

/**
 * Registers values for each request it wraps (Paste's RegistryManager): everything the apps
 * below run while answering sees them, across awaits and timers. A response body read later
 * by the server runs in the server's context: read values before returning a stream. Nested
 * registries shadow outer ones for their part of the tree.
 *
 * @example
 * const site = pipe(app, registry([register(db, () => pool.session()), register(user, (_, c) => c.remoteUser)]))
 */
export function registry(registrations: readonly Registration[]): Middleware {
  const list = registrations as unknown as readonly Entry[]
  for (const entry of list)
    if (!(entry?.local instanceof RequestLocal))
      throw new TypeError('@paste/registry: make each registration with register()')
  return (app: App) =>
    async function registryManager(request, context) {
      const values = await Promise.all(list.map((entry) => entry.make(request, context)))
      let run = () => app(request, context)
      for (let i = list.length - 1; i >= 0; i--) {
        const inner = run
        const local = list[i]!.local
        const value = values[i]
        run = () => local.run(value, inner)
      }
      return run()
    }
}

/** Request-scoped configuration: a {@link RequestLocal} of a config record (Paste's `CONFIG`). */
export const CONFIG: RequestLocal<Record<string, unknown>> = requestLocal('configuration')

/**
 * Makes `conf` (merged over any configuration registered above) the configuration of the
 * requests it wraps (Paste's ConfigMiddleware). Read it with `CONFIG.current` or
 * `config('key')`.
 *
 * @example
 * const site = pipe(app, configMiddleware({ siteName: 'Docs', debug: false }))
 */
export function configMiddleware(conf: Readonly<Record<string, unknown>>): Middleware {
  if (typeof conf !== 'object' || conf === null)
    throw new TypeError('@paste/registry: conf must be an object')
  const frozen = Object.freeze({ ...conf })
  return registry([
    register(CONFIG, () =>
      CONFIG.available ? Object.freeze({ ...CONFIG.current, ...frozen }) : frozen,
    ),
  ])
}

/**
 * One key of the current configuration; `fallback` when absent, else throws naming the key.
 *
 * @example
 * const name = config<string>('siteName')
 */
export function config<T = unknown>(key: string, ...fallback: [T?]): T {
  const conf = CONFIG.current
  if (Object.hasOwn(conf, key)) return conf[key] as T
  if (fallback.length > 0) return fallback[0] as T
  throw new TypeError(`@paste/registry: the configuration has no ${JSON.stringify(key)}`)
}
