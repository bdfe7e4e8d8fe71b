/*
 * Replay protection: each nonce's nonce-count must strictly increase (RFC 7616 section 3.4,
 * section 5.5). The store is pluggable so several server processes can share it.
 */

/** What a nonce store learns about a nonce when it is used. */
export interface NonceInfo {
  /** When the nonce was issued (ms since the epoch, authenticated by the nonce's HMAC). */
  issuedAt: number
  /** When the nonce goes stale (ms since the epoch): the store may forget it after that. */
  expiresAt: number
}

/**
 * Remembers the highest nonce-count seen per nonce. `check` records `nc` and returns `true`
 * only if it is greater than every count seen before for that nonce; it must be atomic
 * (two concurrent calls with the same nonce and nc: at most one `true`).
 *
 * A shared store for several processes (Redis), as one atomic Lua script:
 * ```lua
 * -- KEYS[1] = 'digest:' .. nonce, ARGV[1] = nc, ARGV[2] = expiresAt (ms)
 * local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
 * if tonumber(ARGV[1]) <= last then return 0 end
 * redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
 * return 1
 * ```
 */
export interface NonceStore {
  check(nonce: string, nc: number, info: NonceInfo): boolean | Promise<boolean>
}

/** Options for {@link memoryNonceStore}. */
export interface MemoryNonceStoreOptions {
  /** The most nonces remembered at once (least recently used are forgotten first). @default 10000 */
  maxEntries?: number
}

/**
 * An in-memory {@link NonceStore} with bounded memory. Forgetting a nonce would let it be
 * replayed, so the store also keeps a watermark: once a nonce issued at time T has been
 * evicted, every unknown nonce issued at or before T is refused (the client gets
 * `stale=true` and retries with a fresh nonce, without asking the user again).
 *
 * @example
 * const site = pipe(app, authDigest({ realm, users, nonceStore: memoryNonceStore({ maxEntries: 50_000 }) }))
 */
export function memoryNonceStore(options: MemoryNonceStoreOptions = {}): NonceStore {
  const maxEntries = options.maxEntries ?? 10_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new TypeError('@paste/auth-digest: maxEntries must be a positive integer')
  const seen = new Map<string, { nc: number; issuedAt: number; expiresAt: number }>()
  let watermark = Number.NEGATIVE_INFINITY
  return {
    check(nonce, nc, info) {
      const entry = seen.get(nonce)
      if (entry) {
        if (nc <= entry.nc) return false // a replayed or reordered count
        seen.delete(nonce) // move to the most recently used end
        seen.set(nonce, { ...entry, nc })
        return true
      }
      if (info.issuedAt <= watermark) return false // we may have forgotten this one
      seen.set(nonce, { nc, ...info })
      while (seen.size > maxEntries) {
        const [oldest, old] = seen.entries().next().value as [
          string,
          { issuedAt: number; expiresAt: number },
        ]
        seen.delete(oldest)
        // An expired nonce is refused as stale anyway; only a live one raises the watermark.
        if (old.expiresAt > Date.now()) watermark = Math.max(watermark, old.issuedAt)
      }
      return true
    },
  }
}
