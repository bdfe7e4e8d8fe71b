/**
 * The store interface. A store keeps session records by id; everything is promise-based so a
 * store may live in memory, on disk, in Redis or in a database. See the README section
 * "Writing a store" for the full contract; `@paste/session/conformance` checks it.
 */

/** Session data: a JSON-serialisable object. */
export type SessionData = Record<string, unknown>

/** What a store keeps for one session. */
export interface SessionRecord {
  /** The session's data. Stores must hand back a copy (JSON round-trip), never a shared object. */
  data: SessionData
  /**
   * Bumped by the middleware on every write (the first write is version 1); the store keeps
   * it and compares it for {@link StoreSetOptions.expectedVersion}.
   */
  version: number
  /** When the session was created (epoch ms), for the absolute lifetime. */
  createdAt: number
  /** When the session was last written or touched (epoch ms), for the idle timeout. */
  touchedAt: number
}

/** Options for {@link SessionStore.set}. */
export interface StoreSetOptions {
  /** Time to live in ms: the store forgets the record this long after the write. */
  ttl: number
  /**
   * Compare-and-set: write only if the stored record's version is this number (`0`: only if
   * no record exists). Absent: write unconditionally (last write wins).
   */
  expectedVersion?: number
}

/** Options for {@link SessionStore.touch}. */
export interface StoreTouchOptions {
  /** The new time to live in ms, counted from now. */
  ttl: number
  /** The new {@link SessionRecord.touchedAt}. */
  touchedAt: number
}

/**
 * A session store. Ids handed to a store are always well-formed ({@link isValidSessionId});
 * a store that builds file names or keys from them should still check.
 *
 * Concurrency: `set` with `expectedVersion` must be atomic (compare and write as one step,
 * also across processes for shared stores); it resolves `false` when the stored version
 * differs, and the middleware then reloads and merges (see the README).
 *
 * @example
 * const store: SessionStore = {
 *   async get(id) { return decode(await db.get(id)) },
 *   async set(id, record, { ttl, expectedVersion }) { return db.compareAndSet(id, record, ttl, expectedVersion) },
 *   async destroy(id) { await db.delete(id) },
 *   async touch(id, { ttl, touchedAt }) { await db.expire(id, ttl, touchedAt) },
 * }
 */
export interface SessionStore {
  /** The record for `id`, or `undefined` if there is none or it expired. */
  get(id: string): Promise<SessionRecord | undefined>
  /** Writes the record; resolves `false` (and writes nothing) on a version mismatch. */
  set(id: string, record: SessionRecord, options: StoreSetOptions): Promise<boolean>
  /** Forgets the record (no error if there is none). */
  destroy(id: string): Promise<void>
  /** Extends the record's life without rewriting its data (no error if there is none). */
  touch(id: string, options: StoreTouchOptions): Promise<void>
  /** Forgets every record of this store. Optional. */
  clear?(): Promise<void>
  /** How many live records the store holds. Optional. */
  length?(): Promise<number>
}
