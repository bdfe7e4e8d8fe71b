import { readdirSync, readlinkSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/** Open descriptors of this process that point at `path` (Linux /proc). */
export function openHandles(path: string): number {
  let count = 0
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++
    } catch {}
  }
  return count
}

/**
 * Resolves once no descriptor points at `path`. fs.close runs on libuv's thread pool, so a
 * descriptor released by `close()` is still listed for a moment, longer on a busy machine:
 * a synchronous check right after it is a race, not a proof.
 */
export async function allClosed(path: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  for (let open = openHandles(path); open > 0; open = openHandles(path)) {
    if (Date.now() > until) throw new Error(`${open} descriptor(s) still open on ${path}`)
    await sleep(10)
  }
}
