import type { SessionRecord, SessionStore, StoreSetOptions, StoreTouchOptions } from './store.js'

/** Options for {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The most sessions kept; past it the least recently used one is evicted, so a flood of
   * new sessions cannot exhaust memory. @default 10000
   */
  maxSessions?: number
  /** The most bytes of serialised data kept (all sessions together), evicting LRU. @default 67108864 (64 MiB) */
  maxBytes?: number
  /** How often (ms) a write also sweeps out expired sessions. @default 60000 */
  sweepInterval?: number
  /** The clock (epoch ms); for tests. @default Date.now */
  now?: () => number
}

/** A memory store with its extra, synchronous introspection. */
export interface MemoryStore extends SessionStore {
  clear(): Promise<void>
  length(): Promise<number>
  /** Removes expired sessions now; returns how many. */
  sweep(): number
  /** Bytes of serialised data currently held. */
  readonly bytes: number
}

interface Entry {
  json: string
  version: number
  createdAt: number
  touchedAt: number
  expiresAt: number
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback
  if (!Number.isFinite(v) || v <= 0)
    throw new TypeError(`@paste/session: memoryStore ${name} must be a positive number`)
  return v
}

/**
 * A store in process memory: the default of {@link session}, for one process with no setup.
 * Data is kept as JSON (so it behaves like every other store: no shared objects, JSON types
 * only). Expired entries are dropped when read and swept on writes; a size cap (count and
 * bytes) evicts the least recently used session. Compare-and-set is atomic (single thread).
 * Sessions are lost when the process ends and are not shared between processes: use
 * `@paste/session-redis` to scale out.
 *
 * @example
 * const site = pipe(app, session({ store: memoryStore({ maxSessions: 50_000 }) }))
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxSessions = positive('maxSessions', options.maxSessions, 10_000)
  const maxBytes = positive('maxBytes', options.maxBytes, 64 * 1024 * 1024)
  const sweepInterval = positive('sweepInterval', options.sweepInterval, 60_000)
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()
  let bytes = 0
  let lastSweep = now()

  const remove = (id: string): void => {
    const entry = entries.get(id)
    if (!entry) return
    bytes -= entry.json.length
    entries.delete(id)
  }
  const live = (id: string): Entry | undefined => {
    const entry = entries.get(id)
    if (entry && entry.expiresAt <= now()) {
      remove(id)
      return undefined
    }
    return entry
  }
  const sweep = (): number => {
    const t = now()
    let removed = 0
    for (const [id, entry] of entries)
      if (entry.expiresAt <= t) {
        remove(id)
        removed++
      }
    lastSweep = t
    return removed
  }
  // Map iteration order is insertion order: re-inserting on use keeps the LRU entry first.
  const evict = (): void => {
    if (entries.size > maxSessions || bytes > maxBytes) sweep()
    for (const id of entries.keys()) {
      if (entries.size <= maxSessions && bytes <= maxBytes) break
      remove(id)
    }
  }

  return {
    async get(id) {
      const entry = live(id)
      if (!entry) return undefined
      entries.delete(id)
      entries.set(id, entry)
      const record: SessionRecord = {
        data: JSON.parse(entry.json),
        version: entry.version,
        createdAt: entry.createdAt,
        touchedAt: entry.touchedAt,
      }
      return record
    },
    async set(id, record, { ttl, expectedVersion }: StoreSetOptions) {
      const current = live(id)
      if (expectedVersion !== undefined && (current?.version ?? 0) !== expectedVersion) return false
      const json = JSON.stringify(record.data)
      if (now() - lastSweep >= sweepInterval) sweep()
      remove(id)
      entries.set(id, {
        json,
        version: record.version,
        createdAt: record.createdAt,
        touchedAt: record.touchedAt,
        expiresAt: now() + ttl,
      })
      bytes += json.length
      evict()
      return true
    },
    async destroy(id) {
      remove(id)
    },
    async touch(id, { ttl, touchedAt }: StoreTouchOptions) {
      const entry = live(id)
      if (!entry) return
      entry.touchedAt = touchedAt
      entry.expiresAt = now() + ttl
      entries.delete(id)
      entries.set(id, entry)
    },
    async clear() {
      entries.clear()
      bytes = 0
    },
    async length() {
      sweep()
      return entries.size
    },
    sweep,
    get bytes() {
      return bytes
    },
  }
}
