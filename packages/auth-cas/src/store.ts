/*
 * Where local logins live. The browser holds only a random login id in a cookie; the
 * record (user, attributes, the service ticket it came from) lives here, so that a
 * single-logout request naming the ticket can end the login server-side.
 */

/** One local login. */
export interface CasLoginRecord {
  /** The CAS user. */
  user: string
  /** The CAS 3.0 attributes, every value a list. */
  attributes: Readonly<Record<string, readonly string[]>>
  /** The service ticket the login was validated with (the single-logout key). */
  ticket: string
  /** The proxy-granting ticket, when proxying is configured. */
  proxyGrantingTicket?: string
  /** When the login ends, in ms since the epoch. */
  expires: number
}

/**
 * Storage for logins and proxy-granting-ticket IOUs. The default is {@link memoryCasStore},
 * good for one process; several processes behind a balancer need a shared implementation
 * (the CAS server's logout POST and proxy callback may reach any of them).
 * Every method may return a promise.
 */
export interface CasLoginStore {
  /** The login with this id, if it exists and has not expired. */
  get(id: string): CasLoginRecord | undefined | Promise<CasLoginRecord | undefined>
  /** Stores a login under a new id. */
  set(id: string, record: CasLoginRecord): void | Promise<void>
  /** Ends a login by id (local logout). */
  delete(id: string): void | Promise<void>
  /** Ends the login that came from this service ticket (single logout); true if one did. */
  deleteByTicket(ticket: string): boolean | Promise<boolean>
  /** Keeps a proxy-granting ticket under its IOU until the validation answer names it. */
  putProxyGrantingTicket(iou: string, pgt: string): void | Promise<void>
  /** Takes (and forgets) the proxy-granting ticket for an IOU. */
  takeProxyGrantingTicket(iou: string): string | undefined | Promise<string | undefined>
}

/** Options for {@link memoryCasStore}. */
export interface MemoryCasStoreOptions {
  /** The most logins kept; the oldest are dropped first. @default 10000 */
  maxLogins?: number
  /** The most pending proxy-granting-ticket IOUs kept. @default 1000 */
  maxPending?: number
  /** How long an IOU waits for its validation answer, in ms. @default 60000 */
  pendingTtl?: number
  /** The clock (for tests). @default Date.now */
  now?: () => number
}

/**
 * A bounded in-memory {@link CasLoginStore} for a single process.
 *
 * @example
 * const store = memoryCasStore({ maxLogins: 50_000 })
 * authCas({ server, baseUrl, store })
 */
export function memoryCasStore(options: MemoryCasStoreOptions = {}): CasLoginStore {
  const maxLogins = positive(options.maxLogins ?? 10_000, 'maxLogins')
  const maxPending = positive(options.maxPending ?? 1000, 'maxPending')
  const pendingTtl = positive(options.pendingTtl ?? 60_000, 'pendingTtl')
  const now = options.now ?? Date.now
  const logins = new Map<string, CasLoginRecord>()
  const byTicket = new Map<string, string>()
  const pending = new Map<string, { pgt: string; expires: number }>()
  const drop = (id: string) => {
    const record = logins.get(id)
    if (!record) return false
    logins.delete(id)
    byTicket.delete(record.ticket)
    return true
  }
  return {
    get(id) {
      const record = logins.get(id)
      if (record && record.expires <= now()) drop(id)
      return record && record.expires > now() ? record : undefined
    },
    set(id, record) {
      // Maps iterate in insertion order: the first key is the oldest login
      while (logins.size >= maxLogins) drop(logins.keys().next().value!)
      logins.set(id, record)
      byTicket.set(record.ticket, id)
    },
    delete: (id) => void drop(id),
    deleteByTicket(ticket) {
      const id = byTicket.get(ticket)
      return id !== undefined && drop(id)
    },
    putProxyGrantingTicket(iou, pgt) {
      while (pending.size >= maxPending) pending.delete(pending.keys().next().value!)
      pending.set(iou, { pgt, expires: now() + pendingTtl })
    },
    takeProxyGrantingTicket(iou) {
      const entry = pending.get(iou)
      pending.delete(iou)
      return entry && entry.expires > now() ? entry.pgt : undefined
    },
  }
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`@paste/auth-cas: memoryCasStore ${name} must be a positive integer`)
  return value
}
