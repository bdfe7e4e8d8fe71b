/*
 * Login throttling: after `attempts` failures for one (client address, user name) pair
 * within `window` seconds, that pair is refused (429) until the window ends. Keyed on the
 * pair, not the user alone, so nobody can lock a victim out from elsewhere. Bounded: the
 * oldest entries are dropped first.
 */

/** Options for login throttling. */
export interface RateLimitOptions {
  /** Failures allowed within the window. @default 5 */
  attempts?: number
  /** The window, in seconds. @default 900 */
  window?: number
  /** The most (address, user) pairs tracked. @default 10000 */
  maxEntries?: number
}

/** A throttle. */
export interface Throttle {
  /** Seconds until the pair may try again, or 0. */
  blocked(key: string): number
  /** Records a failure. */
  fail(key: string): void
  /** Forgets the pair (after a successful login). */
  reset(key: string): void
}

interface Entry {
  failures: number
  start: number
}

/**
 * Creates a throttle; throws a `TypeError` on bad limits.
 *
 * @example
 * const throttle = createThrottle({ attempts: 5, window: 900 })
 */
export function createThrottle(options: RateLimitOptions, now: () => number = Date.now): Throttle {
  const attempts = positive(options.attempts ?? 5, 'attempts')
  const window = positive(options.window ?? 900, 'window') * 1000
  const maxEntries = positive(options.maxEntries ?? 10_000, 'maxEntries')
  const entries = new Map<string, Entry>()
  const live = (key: string) => {
    const entry = entries.get(key)
    if (entry && now() - entry.start >= window) entries.delete(key)
    return entry && now() - entry.start < window ? entry : undefined
  }
  return {
    blocked(key) {
      const entry = live(key)
      return entry && entry.failures >= attempts
        ? Math.ceil((entry.start + window - now()) / 1000)
        : 0
    },
    fail(key) {
      const entry = live(key)
      if (entry) entry.failures++
      else {
        while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
        entries.set(key, { failures: 1, start: now() })
      }
    },
    reset: (key) => void entries.delete(key),
  }
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`@paste/auth-form: rateLimit.${name} must be a positive integer`)
  return value
}
