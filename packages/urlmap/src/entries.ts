import type { App } from '@paste/core'
import { formatMountKey, type MountKey, parseMountKey } from './key.js'

/** One mounted application, as {@link UrlMap.list} shows it. */
export interface UrlMapEntry extends MountKey {
  /** The canonical key (`/blog`, `http://example.com:8080/admin`). */
  readonly key: string
  /** The mounted application. */
  readonly app: App
}

/** How specific an entry's domain is: lower ranks are tried first. */
function rank(e: MountKey): number {
  if (e.host !== undefined) return e.port === undefined ? 1 : 0
  if (e.suffix !== undefined) return e.port === undefined ? 3 : 2
  return 4
}

/**
 * Orders entries as dispatch tries them: explicit domains (with a port first), then
 * wildcard domains (longest suffix first), then entries for any domain; within each, the
 * longest path first (Paste's `sort_apps`, with wildcards added).
 */
export function compareEntries(a: MountKey, b: MountKey): number {
  return (
    rank(a) - rank(b) ||
    (b.suffix?.length ?? 0) - (a.suffix?.length ?? 0) ||
    b.path.length - a.path.length ||
    (a.host ?? a.suffix ?? '').localeCompare(b.host ?? b.suffix ?? '')
  )
}

/** Builds an entry, checking the app. */
export function makeEntry(key: string, app: App): UrlMapEntry {
  const parsed = parseMountKey(key)
  if (typeof app !== 'function')
    throw new TypeError(`@paste/urlmap: the app for ${JSON.stringify(key)} must be a function`)
  return Object.freeze({ ...parsed, key: formatMountKey(parsed), app })
}

/** A new sorted list with `entry` added (replacing one with the same key). */
export function withEntry(list: readonly UrlMapEntry[], entry: UrlMapEntry): UrlMapEntry[] {
  return [...list.filter((e) => e.key !== entry.key), entry].sort(compareEntries)
}
