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

/** The first path segment of a normalised path (`/blog/x` -> `blog`), `undefined` for `''`. */
export function firstSegment(path: string): string | undefined {
  return path.length === 0 ? undefined : path.slice(1, segmentEnd(path))
}

/** Where the first segment of a non-empty normalised path ends (the next `/`, or the end). */
function segmentEnd(path: string): number {
  const slash = path.indexOf('/', 1)
  return slash === -1 ? path.length : slash
}

/**
 * A read-only string-keyed table looked up by a slice of a string, without making the
 * slice: dispatch finds a request's first path segment in it with no allocation. Open
 * addressing over a power-of-two array at most half full; the keys are the mounted
 * segments, which the operator chooses, so a request can only walk a run of those.
 */
export class SegmentTable<V> {
  readonly #keys: (string | undefined)[]
  readonly #values: (V | undefined)[]
  readonly #mask: number

  constructor(entries: Iterable<readonly [string, V]>) {
    const list = [...entries]
    let size = 8
    while (size < list.length * 2) size *= 2
    this.#keys = new Array<string | undefined>(size).fill(undefined)
    this.#values = new Array<V | undefined>(size).fill(undefined)
    this.#mask = size - 1
    for (const [key, value] of list) {
      let i = hash(key, 0, key.length) & this.#mask
      while (this.#keys[i] !== undefined && this.#keys[i] !== key) i = (i + 1) & this.#mask
      this.#keys[i] = key
      this.#values[i] = value
    }
  }

  /** The value for `text.slice(start, end)`, if that is a key. */
  get(text: string, start: number, end: number): V | undefined {
    const length = end - start
    let i = hash(text, start, end) & this.#mask
    for (;;) {
      const key = this.#keys[i]
      if (key === undefined) return undefined
      if (key.length === length && text.startsWith(key, start)) return this.#values[i]
      i = (i + 1) & this.#mask
    }
  }
}

function hash(text: string, start: number, end: number): number {
  let h = 0
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0
  return h ^ (h >>> 15)
}

/**
 * The entries a request can match, by the first segment of its path: an entry mounted at
 * `/a/b` can only match paths whose first segment is `a`, and root entries (`''`) match
 * every path. Each list keeps the dispatch order of `list`, so trying only the candidates
 * gives the same answer as trying every entry.
 */
export interface EntryIndex {
  /** Candidates for paths whose first segment is the key. */
  readonly bySegment: SegmentTable<readonly UrlMapEntry[]>
  /** Candidates for every other path: the root entries. */
  readonly roots: readonly UrlMapEntry[]
}

/** Builds the {@link EntryIndex} of a sorted list (once per change of the map). */
export function indexEntries(list: readonly UrlMapEntry[]): EntryIndex {
  const roots = list.filter((e) => e.path === '')
  const bySegment = new Map<string, UrlMapEntry[]>()
  for (const e of list) {
    const segment = firstSegment(e.path)
    if (segment !== undefined && !bySegment.has(segment))
      bySegment.set(
        segment,
        list.filter((c) => c.path === '' || firstSegment(c.path) === segment),
      )
  }
  return { bySegment: new SegmentTable(bySegment), roots }
}

/**
 * The candidates for a normalised path: those of its first segment, else the roots.
 *
 * @example
 * candidates(index, '/blog/2024') // the entries under /blog, then the root entries
 */
export function candidates(index: EntryIndex, path: string): readonly UrlMapEntry[] {
  if (path.length === 0) return index.roots
  return index.bySegment.get(path, 1, segmentEnd(path)) ?? index.roots
}
