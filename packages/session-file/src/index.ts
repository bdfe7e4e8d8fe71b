import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { consoleLogger, type Logger } from '@paste/core'
import { isValidSessionId, type SessionRecord, type SessionStore } from '@paste/session'
import { type FileSystem, nodeFileSystem } from './fs.js'
import { createLocks } from './lock.js'
import { decode, encode } from './record.js'

export type { FileSystem } from './fs.js'

/** Options for {@link fileStore}. */
export interface FileStoreOptions {
  /** The directory holding the session files (created with mode 0700 if missing). Required. */
  dir: string
  /** Mode of session files. @default 0o600 */
  mode?: number
  /** How often (ms) a write also starts a cleanup of expired sessions; 0 turns it off. @default 900000 (15 min) */
  cleanupInterval?: number
  /** How long (ms) a write waits for the session's lock. @default 2000 */
  lockTimeout?: number
  /** Age (ms) after which a lock or temporary file is taken as left by a crash. @default 30000 */
  staleAfter?: number
  /** Where corrupt files and cleanup failures are reported. @default consoleLogger */
  logger?: Logger
  /** The file-system calls (for fault injection in tests). @default node:fs/promises */
  fs?: FileSystem
  /** The clock (epoch ms). @default Date.now */
  now?: () => number
}

/** A file store, with its cleanup. */
export interface FileStore extends SessionStore {
  clear(): Promise<void>
  length(): Promise<number>
  /** Removes expired and corrupt session files and leftovers of crashes; resolves how many. */
  cleanup(): Promise<number>
}

const FILE = /^([A-Za-z0-9_-]{43})\.json$/
const LEFTOVER = /^(?:\.[A-Za-z0-9_-]{43}\.[0-9a-f]{16}\.tmp|[A-Za-z0-9_-]{43}\.lock)$/

function fail(message: string): never {
  throw new TypeError(`@paste/session-file: ${message}`)
}

/**
 * File-system errors name their files (`open '/dir/<id>.json'`), and a file name carries the
 * session id, a bearer secret. The session middleware logs store errors, so the id is cut to
 * the same short prefix the corrupt-file warning shows before an error leaves the store.
 */
function redactId<T>(id: string, run: () => Promise<T>): Promise<T> {
  return run().catch((error: unknown) => {
    if (typeof error === 'object' && error !== null) {
      const fields = error as Record<string, unknown>
      for (const field of ['message', 'stack', 'path', 'dest'])
        if (typeof fields[field] === 'string')
          fields[field] = (fields[field] as string).replaceAll(id, `${id.slice(0, 6)}…`)
    }
    throw error
  })
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`${name} must be a number >= 0`)
  return v
}

/**
 * A session store keeping one JSON file per session (Paste's `FileSession`). File names come
 * only from validated ids, never from the cookie text; writes go to a temporary file that is
 * renamed over the old one (a full disk or a crash leaves the previous session intact); files
 * are mode 0600 in a 0700 directory; a corrupt file is logged and treated as missing.
 * Compare-and-set holds a per-session lock (in process and, through a lock file, across
 * processes sharing the directory).
 *
 * @example
 * const site = pipe(app, session({ store: fileStore({ dir: '/var/lib/myapp/sessions' }) }))
 */
export function fileStore(options: FileStoreOptions): FileStore {
  if (typeof options?.dir !== 'string' || options.dir === '') fail('dir is required')
  const dir = options.dir
  const mode = options.mode ?? 0o600
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777)
    fail('mode must be a file mode like 0o600')
  const cleanupInterval = nonNegative('cleanupInterval', options.cleanupInterval, 15 * 60_000)
  const staleAfter = nonNegative('staleAfter', options.staleAfter, 30_000)
  const logger = options.logger ?? consoleLogger
  const fs = options.fs ?? nodeFileSystem
  const now = options.now ?? Date.now
  const withLock = createLocks({
    dir,
    fs,
    now,
    timeout: nonNegative('lockTimeout', options.lockTimeout, 2000),
    stale: staleAfter,
  })
  let ready: Promise<unknown> | undefined
  let lastCleanup = now()
  let cleaning: Promise<number> | undefined

  const ensureDir = () => {
    ready ??= fs.mkdir(dir, { recursive: true, mode: 0o700 }).catch((error) => {
      ready = undefined
      throw error
    })
    return ready
  }
  const pathOf = (id: string) => {
    // the only way from an id to a path: a well-formed id (no "/", no "..") plus ".json"
    if (!isValidSessionId(id)) fail('refusing a malformed session id')
    return join(dir, `${id}.json`)
  }

  async function read(
    id: string,
  ): Promise<{ record: SessionRecord; expiresAt: number } | undefined> {
    let text: string
    try {
      text = await fs.readFile(pathOf(id), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    const decoded = decode(text)
    if (!decoded) {
      logger.warn('@paste/session-file: corrupt session file treated as missing', {
        session: `${id.slice(0, 6)}…`,
      })
      return undefined
    }
    return decoded.expiresAt > now() ? decoded : undefined
  }

  async function write(id: string, record: SessionRecord, ttl: number): Promise<void> {
    await ensureDir()
    const tmp = join(dir, `.${id}.${randomBytes(8).toString('hex')}.tmp`)
    try {
      const handle = await fs.open(tmp, 'wx', mode)
      try {
        await handle.chmod(mode)
        await handle.writeFile(encode(record, now() + ttl))
        await handle.sync()
      } finally {
        await handle.close()
      }
      await fs.rename(tmp, pathOf(id))
    } catch (error) {
      await fs.rm(tmp, { force: true }).catch(() => {})
      throw error
    }
  }

  function maybeCleanup(): void {
    if (cleanupInterval === 0 || cleaning || now() - lastCleanup < cleanupInterval) return
    lastCleanup = now()
    void store
      .cleanup()
      .catch((error) => logger.error('@paste/session-file: cleanup failed', { error }))
  }

  const store: FileStore = {
    async get(id) {
      if (!isValidSessionId(id)) return undefined
      return (await redactId(id, () => read(id)))?.record
    },
    async set(id, record, { ttl, expectedVersion }) {
      pathOf(id)
      await ensureDir()
      const written = await redactId(id, () =>
        withLock(id, async () => {
          if (
            expectedVersion !== undefined &&
            ((await read(id))?.record.version ?? 0) !== expectedVersion
          )
            return false
          await write(id, record, ttl)
          return true
        }),
      )
      maybeCleanup()
      return written
    },
    async destroy(id) {
      if (!isValidSessionId(id)) return
      await ensureDir()
      await redactId(id, () => withLock(id, () => fs.rm(pathOf(id), { force: true })))
    },
    async touch(id, { ttl, touchedAt }) {
      if (!isValidSessionId(id)) return
      await ensureDir()
      await redactId(id, () =>
        withLock(id, async () => {
          const current = await read(id)
          if (current) await write(id, { ...current.record, touchedAt }, ttl)
        }),
      )
    },
    async clear() {
      for (const id of await ids()) await store.destroy(id)
    },
    async length() {
      let n = 0
      for (const id of await ids()) if (await redactId(id, () => read(id))) n++
      return n
    },
    cleanup() {
      cleaning ??= sweep().finally(() => {
        cleaning = undefined
      })
      return cleaning
    },
  }

  async function ids(): Promise<string[]> {
    let names: string[]
    try {
      names = await fs.readdir(dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    return names.flatMap((name) => FILE.exec(name)?.[1] ?? []).filter(isValidSessionId)
  }

  async function sweep(): Promise<number> {
    let removed = 0
    for (const id of await ids()) {
      const gone = await redactId(id, () =>
        withLock(id, async () => {
          if (await read(id)) return false
          await fs.rm(pathOf(id), { force: true })
          return true
        }),
      )
      if (gone) removed++
    }
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      if (!LEFTOVER.test(name)) continue
      const info = await fs.stat(join(dir, name)).catch(() => undefined)
      if (info && now() - info.mtimeMs > staleAfter) {
        // a leftover's name carries the id too: `.<id>.<rand>.tmp` or `<id>.lock`
        const id = name.replace(/^\./, '').slice(0, 43)
        await redactId(id, () => fs.rm(join(dir, name), { force: true }))
        removed++
      }
    }
    return removed
  }

  return store
}
