/*
 * Replay protection for @paste/auth-digest shared through Redis: every process, container
 * and cluster worker behind one name sees the same nonce-counts, so credentials replayed
 * to another worker are refused as they are on the one that first accepted them
 * (RFC 7616 section 5.5). One key per nonce in use, holding the highest nonce-count seen,
 * checked and raised by one Lua script (atomic: two concurrent requests with the same
 * count, on any workers, get one acceptance between them).
 */
import type { NonceInfo, NonceStore } from '@paste/auth-digest'
import { consoleLogger, type Logger } from '@paste/core'
import { type Cluster, Redis } from 'ioredis'

/** Options for {@link redisNonceStore}. Give `client` or `url`. */
export interface RedisNonceStoreOptions {
  /**
   * A client you made and own (`new Redis(...)`, `new Cluster(...)`, or the `client` of a
   * `@paste/session-redis` store); the store never closes it. Give it a `commandTimeout`.
   */
  client?: Redis | Cluster
  /** A `redis://` / `rediss://` URL for a client the store creates (and closes on `close()`). */
  url?: string
  /** Prefix of every key. @default 'digest-nc:' */
  prefix?: string
  /**
   * How long a key outlives its nonce's expiry, in ms: room for the clocks of the servers
   * that judge the nonce to disagree. A key must not vanish while any server still takes
   * the nonce as fresh. @default 120000
   */
  skewMs?: number
  /** Milliseconds a command may take on a client the store creates before it fails. @default 2000 */
  commandTimeout?: number
  /** Where a lost connection of a client the store creates is reported. @default consoleLogger */
  logger?: Logger
}

/** A {@link NonceStore} in Redis. */
export interface RedisNonceStore extends NonceStore {
  check(nonce: string, nc: number, info: NonceInfo): Promise<boolean>
  /** The ioredis client in use. */
  readonly client: Redis | Cluster
  /** Closes the client if the store created it (a client you passed is left open). */
  close(): Promise<void>
}

/**
 * KEYS[1] = the nonce's key; ARGV[1] = nc; ARGV[2] = time to live (ms). Returns 1 and
 * records nc when it is above every count seen for the nonce, else 0 and changes nothing.
 */
const CHECK_SCRIPT = `
local last = redis.call('GET', KEYS[1])
if last and tonumber(last) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`

interface WithScript {
  pasteDigestNonce(key: string, nc: number, ttl: number): Promise<number>
}

// a nonce from @paste/auth-digest is 48 characters; anything far longer is not one
const MAX_NONCE = 512
// nc is 8 hex digits (RFC 7616 section 3.4)
const MAX_NC = 0xffffffff

function fail(message: string): never {
  throw new TypeError(`@paste/auth-digest-redis: ${message}`)
}

function createClient(url: string, commandTimeout: number, logger: Logger): Redis {
  const client = new Redis(url, {
    commandTimeout,
    // reconnect forever with a capped back-off; fail a command after one attempt, so a
    // request gets its 503 at once instead of waiting out twenty retries
    retryStrategy: (times) => Math.min(times * 100, 2000),
    maxRetriesPerRequest: 1,
  })
  let down = false
  client.on('error', (error: unknown) => {
    if (down) return
    down = true
    logger.error('@paste/auth-digest-redis: Redis connection error; reconnecting', { error })
  })
  client.on('ready', () => {
    if (down) logger.info('@paste/auth-digest-redis: Redis connection restored')
    down = false
  })
  return client
}

/**
 * A nonce store in Redis, for `authDigest({ nonceStore })` in every process that serves the
 * same realm (give them the same `secret` too). Keys expire `skewMs` after their nonce does.
 *
 * @example
 * const nonceStore = redisNonceStore({ url: 'redis://127.0.0.1:6379' })
 * const site = pipe(app, authDigest({ realm, users, secret: process.env.DIGEST_SECRET, nonceStore }))
 */
export function redisNonceStore(options: RedisNonceStoreOptions): RedisNonceStore {
  if ((options.client === undefined) === (options.url === undefined))
    fail('give exactly one of client and url')
  const prefix = options.prefix ?? 'digest-nc:'
  if (typeof prefix !== 'string') fail('prefix must be a string')
  const skewMs = options.skewMs ?? 120_000
  if (!Number.isSafeInteger(skewMs) || skewMs < 0) fail('skewMs must be an integer >= 0')
  const commandTimeout = options.commandTimeout ?? 2000
  if (!Number.isFinite(commandTimeout) || commandTimeout <= 0)
    fail('commandTimeout must be a positive number')
  const owned = options.client === undefined
  const client =
    options.client ?? createClient(options.url!, commandTimeout, options.logger ?? consoleLogger)
  client.defineCommand('pasteDigestNonce', { numberOfKeys: 1, lua: CHECK_SCRIPT })
  const scripted = client as unknown as WithScript

  return {
    client,
    async check(nonce: string, nc: number, info: NonceInfo): Promise<boolean> {
      if (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > MAX_NONCE)
        fail('nonce must be a string of 1 to 512 characters')
      if (!Number.isSafeInteger(nc) || nc < 1 || nc > MAX_NC)
        fail('nc must be an integer from 1 to 0xffffffff')
      if (!Number.isFinite(info?.expiresAt)) fail('info.expiresAt must be a time in ms')
      const ttl = Math.ceil(info.expiresAt - Date.now()) + skewMs
      // stale everywhere already: nothing to remember, and nothing may be accepted
      if (ttl <= 0) return false
      return (await scripted.pasteDigestNonce(prefix + nonce, nc, ttl)) === 1
    },
    async close(): Promise<void> {
      if (!owned || client.status === 'end') return
      // not connected (Redis down, reconnecting): nothing to say goodbye to
      if (client.status !== 'ready') return client.disconnect()
      // resolves once the connection is gone, not when Redis acknowledges QUIT
      await new Promise<void>((resolve) => {
        client.once('end', () => resolve())
        client.quit().catch(() => client.disconnect())
      })
    },
  }
}
