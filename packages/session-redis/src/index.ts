import { consoleLogger, type Logger } from '@paste/core'
import { isValidSessionId, type SessionRecord, type SessionStore } from '@paste/session'
import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis'
import { SET_SCRIPT, TOUCH_SCRIPT } from './scripts.js'

/** Options for {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * A client you made and own (`new Redis(...)` or `new Cluster(...)` from ioredis); the store
   * never closes it. Give it a `commandTimeout`. Exclusive with `url`/`redis`/`cluster`.
   */
  client?: Redis | Cluster
  /** A `redis://` / `rediss://` URL for a client the store creates (and closes on `close()`). */
  url?: string
  /** ioredis options for the client the store creates (merged over the store's defaults). */
  redis?: RedisOptions
  /** Cluster seed nodes (and options) for a Redis Cluster / Valkey cluster client the store creates. */
  cluster?: { nodes: ClusterNode[]; options?: ClusterOptions }
  /** Prefix of every key. @default 'sess:' */
  prefix?: string
  /** Milliseconds a command may take on a client the store creates before it fails. @default 2000 */
  commandTimeout?: number
  /** Where connection loss and recovery of a client the store creates are reported. @default consoleLogger */
  logger?: Logger
}

/** A Redis store. */
export interface RedisStore extends SessionStore {
  clear(): Promise<void>
  length(): Promise<number>
  /** The ioredis client in use. */
  readonly client: Redis | Cluster
  /** Closes the client if the store created it (a client you passed is left open). */
  close(): Promise<void>
}

interface Scripts {
  pasteSessionSet(key: string, ...args: (string | number)[]): Promise<number>
  pasteSessionTouch(key: string, ...args: (string | number)[]): Promise<number>
}

function fail(message: string): never {
  throw new TypeError(`@paste/session-redis: ${message}`)
}

function createClient(options: RedisStoreOptions): Redis | Cluster {
  const commandTimeout = options.commandTimeout ?? 2000
  if (!Number.isFinite(commandTimeout) || commandTimeout <= 0)
    fail('commandTimeout must be a positive number')
  const defaults: RedisOptions = {
    commandTimeout,
    // reconnect forever with a capped back-off: a restarted Redis is picked up again
    retryStrategy: (times) => Math.min(times * 100, 2000),
    // fail queued commands after one reconnect attempt instead of twenty
    maxRetriesPerRequest: 1,
  }
  if (options.cluster) {
    if (!Array.isArray(options.cluster.nodes) || options.cluster.nodes.length === 0)
      fail('cluster.nodes must list at least one node')
    const clusterOptions = options.cluster.options ?? {}
    return new Cluster(options.cluster.nodes, {
      ...clusterOptions,
      redisOptions: { ...defaults, ...clusterOptions.redisOptions },
    })
  }
  const redisOptions = { ...defaults, ...options.redis }
  return options.url !== undefined ? new Redis(options.url, redisOptions) : new Redis(redisOptions)
}

function decode(hash: Record<string, string>): SessionRecord | undefined {
  if (hash.d === undefined) return undefined
  const version = Number(hash.v)
  const createdAt = Number(hash.c)
  const touchedAt = Number(hash.t)
  if (!Number.isInteger(version) || !Number.isFinite(createdAt) || !Number.isFinite(touchedAt))
    return undefined
  let data: unknown
  try {
    data = JSON.parse(hash.d)
  } catch {
    return undefined
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined
  return { data: data as Record<string, unknown>, version, createdAt, touchedAt }
}

/** Reports a lost connection once (not on every retry) and its recovery. */
function watch(client: Redis | Cluster, logger: Logger): void {
  let down = false
  client.on('error', (error: unknown) => {
    if (down) return
    down = true
    logger.error('@paste/session-redis: Redis connection error; reconnecting', {
      error: redact(error),
    })
  })
  client.on('ready', () => {
    if (down) logger.info('@paste/session-redis: Redis connection restored')
    down = false
  })
}

/**
 * Strips the command arguments ioredis attaches to its errors (`error.command.args`): they hold
 * the key, which carries the session id (a bearer secret), and for a write the session data.
 * The session middleware logs store errors, and a logger that prints the error object would
 * print them too. The command name stays, for diagnosis.
 */
function redact(error: unknown): unknown {
  const seen = new Set<object>()
  for (let e = error; typeof e === 'object' && e !== null && !seen.has(e); ) {
    seen.add(e)
    const node = e as { command?: { name?: unknown }; lastNodeError?: unknown; cause?: unknown }
    if (typeof node.command === 'object' && node.command !== null)
      node.command = { name: node.command.name }
    e = node.lastNodeError ?? node.cause
  }
  return error
}

/** Runs a store operation; its errors leave without session ids or data ({@link redact}). */
async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw redact(error)
  }
}

// MATCH uses glob syntax: escape its special characters in the prefix
const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&')
const ttlMs = (ttl: number) => Math.max(1, Math.ceil(ttl))

/**
 * A session store on Redis (also Redis Cluster and Valkey) through ioredis: one hash per
 * session under `prefix + id`, expiry through Redis key expiry, compare-and-set and touch as
 * Lua scripts (atomic across every process sharing the Redis). The client reconnects after a
 * Redis restart; commands are bounded by `commandTimeout`.
 *
 * @example
 * const store = redisStore({ url: 'redis://127.0.0.1:6379', prefix: 'myapp:sess:' })
 * const site = pipe(app, session({ store }))
 */
export function redisStore(options: RedisStoreOptions = {}): RedisStore {
  const prefix = options.prefix ?? 'sess:'
  if (typeof prefix !== 'string') fail('prefix must be a string')
  const given = [options.client, options.url, options.redis, options.cluster].filter(
    (o) => o !== undefined,
  )
  if (options.client && given.length > 1) fail('pass either client or url/redis/cluster, not both')
  const owned = !options.client
  const client = options.client ?? createClient(options)
  if (owned) watch(client, options.logger ?? consoleLogger)
  client.defineCommand('pasteSessionSet', { numberOfKeys: 1, lua: SET_SCRIPT })
  client.defineCommand('pasteSessionTouch', { numberOfKeys: 1, lua: TOUCH_SCRIPT })
  const scripts = client as unknown as Scripts
  const key = (id: string) => {
    // ids are checked even though the middleware only passes valid ones: keys never carry client text
    if (!isValidSessionId(id)) fail('refusing a malformed session id')
    return prefix + id
  }

  async function keys(): Promise<string[]> {
    const nodes = client instanceof Cluster ? client.nodes('master') : [client]
    const found: string[] = []
    for (const node of nodes) {
      let cursor = '0'
      do {
        const [next, batch] = await node.scan(
          cursor,
          'MATCH',
          `${globEscape(prefix)}*`,
          'COUNT',
          500,
        )
        cursor = next
        found.push(...batch)
      } while (cursor !== '0')
    }
    return found
  }

  return {
    client,
    get(id) {
      return guarded(async () =>
        isValidSessionId(id) ? decode(await client.hgetall(key(id))) : undefined,
      )
    },
    set(id, record, { ttl, expectedVersion }) {
      const json = JSON.stringify(record.data)
      const expected = expectedVersion === undefined ? '' : String(expectedVersion)
      const args = [expected, record.version, json, record.createdAt, record.touchedAt, ttlMs(ttl)]
      return guarded(async () => (await scripts.pasteSessionSet(key(id), ...args)) === 1)
    },
    destroy(id) {
      return guarded(async () => {
        if (isValidSessionId(id)) await client.del(key(id))
      })
    },
    touch(id, { ttl, touchedAt }) {
      return guarded(async () => {
        if (isValidSessionId(id)) await scripts.pasteSessionTouch(key(id), touchedAt, ttlMs(ttl))
      })
    },
    clear() {
      // one key per DEL: keys of a cluster live in different slots
      return guarded(async () => {
        for (const k of await keys()) await client.del(k)
      })
    },
    async length() {
      return (await guarded(keys)).length
    },
    async close() {
      if (owned) await client.quit().catch(() => client.disconnect())
    },
  }
}
