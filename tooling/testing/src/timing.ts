/**
 * The fastest of several runs of `fn`, in milliseconds; a throw ends a run like a return.
 * ReDoS guards compare this to a generous bound: a super-linear parser is slow on every
 * run, while a run that a loaded CI machine happened to deschedule is slow only once, so
 * the minimum filters out that noise.
 *
 * @example
 * expect(bestOf(() => parse(hostile64k))).toBeLessThan(50)
 */
export function bestOf(fn: () => unknown, runs = 5): number {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    try {
      fn()
    } catch {}
    best = Math.min(best, performance.now() - started)
  }
  return best
}
