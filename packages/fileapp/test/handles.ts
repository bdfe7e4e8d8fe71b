import { readdirSync, readlinkSync } from 'node:fs'

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
