/**
 * The fastest of several runs of `fn`, in milliseconds. The ReDoS guards compare this to a
 * generous bound: a super-linear parser is slow on every run, while a run that the shared
 * machine happened to deschedule is only slow once, so the minimum filters out that noise.
 */
export function bestOf(fn: () => unknown, runs = 5): number {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    fn()
    best = Math.min(best, performance.now() - started)
  }
  return best
}
