import type { ErrorReporter } from './reporters.js'

/** Options for {@link throttleReporter}. */
export interface ThrottleOptions {
  /** Reports with the same signature within this many ms after one is passed on are dropped. @default 60_000 */
  windowMs?: number
  /** At most this many reports (of any signature) are passed on per window. @default 10 */
  maxPerWindow?: number
  /** The clock (for tests). @default Date.now */
  now?: () => number
}

/**
 * Wraps a reporter so an error storm does not flood it: a report whose signature was passed
 * on less than `windowMs` ago is dropped (counted), and at most `maxPerWindow` reports of
 * any kind are passed on per window. The next report passed on for a signature carries the
 * number dropped since (`report.suppressed`). The signature table is bounded.
 *
 * @example
 * const mail = throttleReporter(emailReporter({ transport, from, to }), { windowMs: 300_000 })
 */
export function throttleReporter(
  reporter: ErrorReporter,
  options: ThrottleOptions = {},
): ErrorReporter {
  const windowMs = options.windowMs ?? 60_000
  const maxPerWindow = options.maxPerWindow ?? 10
  const now = options.now ?? Date.now
  if (!(windowMs >= 0)) throw new TypeError('@paste/exceptions: windowMs must be a number >= 0')
  if (!(Number.isInteger(maxPerWindow) && maxPerWindow >= 1))
    throw new TypeError('@paste/exceptions: maxPerWindow must be an integer >= 1')
  // signature -> [time last passed on, dropped since]
  const seen = new Map<string, [number, number]>()
  let windowStart = Number.NEGATIVE_INFINITY
  let sentInWindow = 0
  return {
    report(report, context) {
      const t = now()
      if (t - windowStart >= windowMs) {
        windowStart = t
        sentInWindow = 0
        // forget expired signatures, except those with a dropped count still to pass on
        for (const [sig, [last, dropped]] of seen)
          if (dropped === 0 && t - last >= windowMs) seen.delete(sig)
      }
      const entry = seen.get(report.signature)
      if ((entry && t - entry[0] < windowMs) || sentInWindow >= maxPerWindow) {
        if (entry) entry[1]++
        else if (seen.size < 10_000) seen.set(report.signature, [Number.NEGATIVE_INFINITY, 1])
        return
      }
      const dropped = entry?.[1] ?? 0
      seen.set(report.signature, [t, 0])
      sentInWindow++
      return reporter.report(dropped > 0 ? { ...report, suppressed: dropped } : report, context)
    },
  }
}
