import type { Context } from '@paste/core'
import { bounded, SessionUnavailableError } from './errors.js'
import { createSessionId, isValidSessionId } from './id.js'
import type { Resolved } from './options.js'
import { type Session, SessionObject } from './session.js'
import type { SessionRecord, SessionStore } from './store.js'

/**
 * One request's access to its session: loads it on first use (never before), caches it, and
 * keeps what the save step needs. `getSession(context)` calls {@link RequestSession.load}.
 */
export class RequestSession {
  readonly cookieId: string | undefined
  readonly #options: Resolved
  readonly #store: SessionStore
  readonly #context: Context
  #loading: Promise<SessionObject> | undefined
  /** The loaded session (set once loading succeeded). */
  session: SessionObject | undefined
  /** Set when the store failed: the request must not write anything, cookie included. */
  failed = false

  constructor(
    cookieValue: string | undefined,
    options: Resolved,
    store: SessionStore,
    context: Context,
  ) {
    this.cookieId = cookieValue
    this.#options = options
    this.#store = store
    this.#context = context
  }

  /** Whether the request carried a session cookie. */
  get hasCookie(): boolean {
    return this.cookieId !== undefined
  }

  /** Whether the app asked for the session at all. */
  get started(): boolean {
    return this.#loading !== undefined
  }

  /** Loads the session (once per request). */
  load(): Promise<Session> {
    this.#loading ??= this.#load()
    return this.#loading as Promise<Session>
  }

  /** Waits for a load the app started but did not await; resolves undefined if it failed. */
  async settled(): Promise<SessionObject | undefined> {
    if (!this.#loading) return undefined
    try {
      return await this.#loading
    } catch {
      return undefined
    }
  }

  /** Calls the store with the deadline; on failure logs, marks the request failed and throws a 503. */
  async call<T>(what: string, run: (store: SessionStore) => Promise<T>): Promise<T> {
    try {
      return await bounded(() => run(this.#store), this.#options.storeTimeout, what)
    } catch (error) {
      this.failed = true
      this.#context.logger.error(`@paste/session: store ${what} failed`, { error })
      throw new SessionUnavailableError('session store unavailable', {
        status: this.#options.failureStatus,
        cause: error,
      })
    }
  }

  async #load(): Promise<SessionObject> {
    const id = this.cookieId
    // no cookie, or one that is not a well-formed id: a new session, no store access
    if (id === undefined || !isValidSessionId(id)) return this.#fresh()
    const record = await this.call('get', (store) => store.get(id))
    // unknown id: a new session under a new id (never adopt the client's id)
    if (!record || !isValidRecord(record)) return this.#fresh()
    const now = this.#options.now()
    const expired =
      now - record.touchedAt >= this.#options.idleMs ||
      now - record.createdAt >= this.#options.absoluteMs
    if (expired) {
      await this.call('destroy', (store) => store.destroy(id))
      return this.#fresh()
    }
    const session = new SessionObject({ id, stored: true, ...record }, record.data, this.#hooks)
    this.session = session
    return session
  }

  #fresh(): SessionObject {
    const now = this.#options.now()
    const init = {
      id: createSessionId(),
      stored: false,
      version: 0,
      createdAt: now,
      touchedAt: now,
    }
    const session = new SessionObject(init, {}, this.#hooks)
    this.session = session
    return session
  }

  readonly #hooks = {
    regenerate: async (session: SessionObject) => {
      const old = session.id
      if (session.stored) await this.call('destroy', (store) => store.destroy(old))
      this.#moveToNewId(session)
    },
    destroy: async (session: SessionObject) => {
      const old = session.id
      if (session.stored) await this.call('destroy', (store) => store.destroy(old))
      session.clear()
      this.#moveToNewId(session)
    },
    touch: async (session: SessionObject) => {
      session.touched = true
    },
  }

  #moveToNewId(session: SessionObject): void {
    const now = this.#options.now()
    session.id = createSessionId()
    session.stored = false
    session.version = 0
    session.createdAt = now
    session.touchedAt = now
    session.replaced = true
    session.resetBaseline()
  }
}

function isValidRecord(record: SessionRecord): boolean {
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.data === 'object' &&
    record.data !== null &&
    Number.isInteger(record.version) &&
    Number.isFinite(record.createdAt) &&
    Number.isFinite(record.touchedAt)
  )
}
