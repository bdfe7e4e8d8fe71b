import type { SessionData } from './store.js'

/**
 * A request's view of its session. Reads and writes are synchronous (the data was loaded by
 * `getSession`); changes are saved after the app returns. Values must be JSON-serialisable;
 * nested objects may be changed in place (the middleware compares JSON at save time).
 *
 * @example
 * const session = await getSession<{ user: string; visits: number }>(context)
 * session.set('visits', (session.get('visits') ?? 0) + 1)
 */
export interface Session<Data extends SessionData = SessionData> {
  /** The session id (secret: never log or show it). */
  readonly id: string
  /** True until the session has been stored (a first visit, or after destroy/regenerate). */
  readonly isNew: boolean
  /** The value for `key`, or `undefined`. */
  get<K extends keyof Data & string>(key: K): Data[K] | undefined
  /** Sets `key` (setting `undefined` deletes it). */
  set<K extends keyof Data & string>(key: K, value: Data[K]): void
  /** Deletes `key`; tells whether it was there. */
  delete(key: keyof Data & string): boolean
  /** Tells whether `key` is set. */
  has(key: keyof Data & string): boolean
  /** Deletes every key (the session itself stays; {@link Session.destroy} removes it). */
  clear(): void
  /** The keys that are set. */
  keys(): string[]
  /** A copy of the data. */
  toJSON(): Partial<Data>
  /** A new id, same data (call it at login, against session fixation); the old id is destroyed. */
  regenerate(): Promise<void>
  /** Destroys the session in the store now; the request goes on with an empty new session. */
  destroy(): Promise<void>
  /** Extends the session's life (store TTL and cookie) without changing its data. */
  touch(): Promise<void>
}

/** Per-key changes since load: a JSON text to write, or `undefined` to delete. */
export type Changes = Map<string, string | undefined>

/** The hooks a {@link SessionObject} calls for the operations that reach the store. */
export interface SessionHooks {
  regenerate(session: SessionObject): Promise<void>
  destroy(session: SessionObject): Promise<void>
  touch(session: SessionObject): Promise<void>
}

/** The implementation of {@link Session}; its state is read by the middleware at save time. */
export class SessionObject implements Session<SessionData> {
  id: string
  /** Whether `id` is in the store (at `version`). */
  stored: boolean
  version: number
  createdAt: number
  touchedAt: number
  touched = false
  /** Set by destroy/regenerate: the cookie id is no longer valid. */
  replaced = false
  readonly #data: Map<string, unknown>
  #baseline: Map<string, string>
  readonly #hooks: SessionHooks

  constructor(
    init: { id: string; stored: boolean; version: number; createdAt: number; touchedAt: number },
    data: SessionData,
    hooks: SessionHooks,
  ) {
    this.id = init.id
    this.stored = init.stored
    this.version = init.version
    this.createdAt = init.createdAt
    this.touchedAt = init.touchedAt
    this.#data = new Map(Object.entries(data))
    this.#baseline = snapshot(this.#data)
    this.#hooks = hooks
  }

  get isNew(): boolean {
    return !this.stored
  }
  get(key: string): unknown {
    return this.#data.get(key)
  }
  set(key: string, value: unknown): void {
    if (typeof key !== 'string') throw new TypeError('@paste/session: keys must be strings')
    if (value === undefined) this.#data.delete(key)
    else this.#data.set(key, value)
  }
  delete(key: string): boolean {
    return this.#data.delete(key)
  }
  has(key: string): boolean {
    return this.#data.has(key)
  }
  clear(): void {
    this.#data.clear()
  }
  keys(): string[] {
    return [...this.#data.keys()]
  }
  get size(): number {
    return this.#data.size
  }
  toJSON(): SessionData {
    return Object.fromEntries(this.#data)
  }
  regenerate(): Promise<void> {
    return this.#hooks.regenerate(this)
  }
  destroy(): Promise<void> {
    return this.#hooks.destroy(this)
  }
  touch(): Promise<void> {
    return this.#hooks.touch(this)
  }

  /** Forgets every baseline: all current keys count as changed (for a session moved to a new id). */
  resetBaseline(): void {
    this.#baseline = new Map()
  }
  /** The keys whose JSON differs from load time (throws if a value is not serialisable). */
  changes(): Changes {
    const changes: Changes = new Map()
    for (const [key, value] of this.#data) {
      const json = JSON.stringify(value)
      if (this.#baseline.get(key) !== json) changes.set(key, json)
    }
    for (const key of this.#baseline.keys()) if (!this.#data.has(key)) changes.set(key, undefined)
    return changes
  }
}

function snapshot(data: Map<string, unknown>): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of data) {
    const json = JSON.stringify(value)
    if (json !== undefined) out.set(key, json)
  }
  return out
}

/** Applies per-key changes to a copy of `data` (the merge after a version conflict). */
export function applyChanges(data: SessionData, changes: Changes): SessionData {
  const out = new Map(Object.entries(data))
  for (const [key, json] of changes) {
    if (json === undefined) out.delete(key)
    else out.set(key, JSON.parse(json))
  }
  return Object.fromEntries(out)
}
