/*
 * File metadata cache. A static server spends its time in file-system calls on libuv's thread
 * pool, so each path is stat'ed once and its validators and headers are kept until the entry
 * expires (a short TTL) or, with `watch`, until fs.watch reports a change. Small files keep
 * their bytes too, so a hit costs no system call at all. The trade-off: a change on disk is
 * seen up to `ttl` ms late (never with a torn body: a body always matches its headers, see
 * body.ts).
 */
import { constants, type FSWatcher, watch as fsWatch } from 'node:fs'
import { access, open, realpath, stat } from 'node:fs/promises'

/** What the cache knows about a path. */
export type Meta =
  | { readonly kind: 'file'; readonly file: FileMeta }
  | { readonly kind: 'directory'; readonly realPath: string | undefined }
  | { readonly kind: 'missing'; readonly status: 403 | 404 }

/** A regular file's metadata, validators and (when small) contents. */
export interface FileMeta {
  readonly path: string
  /** The path with symlinks resolved (only when the cache was asked to resolve them). */
  readonly realPath: string | undefined
  readonly size: number
  readonly mtimeMs: number
  readonly ino: number
  /** Strong entity-tag from size, mtime and inode. */
  readonly etag: string
  /** Last modification in whole seconds. */
  readonly lastModified: number
  /** The whole file, when it is at most `inlineBytes` long. */
  readonly bytes: Uint8Array | undefined
}

/** Options for {@link MetaCache}. */
export interface MetaCacheOptions {
  /** How long an entry is trusted, in ms; 0 stats on every request. */
  ttl: number
  /** Invalidate entries by fs.watch instead of the TTL. */
  watch: boolean
  /** Most entries kept (oldest dropped first). */
  maxEntries: number
  /** Files up to this size are kept in memory. */
  inlineBytes: number
  /** Resolve symlinks (realpath) for each entry. */
  resolveLinks: boolean
}

/**
 * Date.now() read at most once per CLOCK_RESOLUTION ms (as lru-cache's ttlResolution does):
 * the clock is a call into the runtime, and a cache hit would otherwise read it on every
 * request. An entry can so expire up to this much late, against a TTL of a second.
 */
const CLOCK_RESOLUTION = 10
let cachedNow = 0

function coarseNow(): number {
  if (cachedNow !== 0) return cachedNow
  cachedNow = Date.now()
  setTimeout(() => {
    cachedNow = 0
  }, CLOCK_RESOLUTION).unref()
  return cachedNow
}

interface Entry {
  meta: Meta
  expires: number
  watcher: FSWatcher | undefined
}

const MISSING_404: Meta = Object.freeze({ kind: 'missing', status: 404 })
const MISSING_403: Meta = Object.freeze({ kind: 'missing', status: 403 })
/** Errors that mean "nothing servable here" (a bad name from the client included). */
const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP', 'EINVAL', 'EISDIR'])

/** Strong ETag from size, mtime and inode (hex, like nginx). */
export function fileETag(size: number, mtimeMs: number, ino: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs * 1000).toString(16)}-${ino.toString(16)}"`
}

/**
 * Caches file metadata by absolute path.
 *
 * @example
 * const cache = new MetaCache({ ttl: 1000, watch: false, maxEntries: 1024, inlineBytes: 16384, resolveLinks: false })
 * const meta = await cache.get('/srv/static/index.html')
 */
export class MetaCache {
  readonly #options: MetaCacheOptions
  readonly #entries = new Map<string, Entry>()
  readonly #pending = new Map<string, Promise<Meta>>()

  constructor(options: MetaCacheOptions) {
    this.#options = options
  }

  /** The cached entry when still fresh, without any system call (the hot path). */
  peek(path: string): Meta | undefined {
    const entry = this.#entries.get(path)
    if (entry === undefined) return undefined
    if (entry.watcher === undefined && entry.expires <= coarseNow()) return undefined
    return entry.meta
  }

  /** The entry for `path`, loading it when absent or stale (`fresh` forces a reload). */
  get(path: string, fresh = false): Promise<Meta> | Meta {
    if (!fresh) {
      const hit = this.peek(path)
      if (hit !== undefined) return hit
    }
    let pending = this.#pending.get(path)
    if (pending === undefined) {
      pending = this.#load(path).finally(() => this.#pending.delete(path))
      this.#pending.set(path, pending)
    }
    return pending
  }

  /** Drops an entry (after a mismatch was seen while reading the file). */
  invalidate(path: string): void {
    const entry = this.#entries.get(path)
    entry?.watcher?.close()
    this.#entries.delete(path)
  }

  /** Closes every watcher and empties the cache. */
  clear(): void {
    for (const path of [...this.#entries.keys()]) this.invalidate(path)
  }

  async #load(path: string): Promise<Meta> {
    const meta = await readMeta(path, this.#options)
    this.invalidate(path)
    if (this.#entries.size >= this.#options.maxEntries) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.invalidate(oldest)
    }
    let watcher: FSWatcher | undefined
    if (this.#options.watch && meta.kind !== 'missing') {
      try {
        watcher = fsWatch(path, { persistent: false }, () => this.invalidate(path))
        watcher.on('error', () => this.invalidate(path))
      } catch {
        watcher = undefined // fall back to the TTL
      }
    }
    this.#entries.set(path, { meta, expires: coarseNow() + this.#options.ttl, watcher })
    return meta
  }
}

async function readMeta(path: string, options: MetaCacheOptions): Promise<Meta> {
  try {
    const s = await stat(path, { bigint: false })
    const realPath = options.resolveLinks ? await realpath(path) : undefined
    if (s.isDirectory()) return { kind: 'directory', realPath }
    if (!s.isFile()) return MISSING_404 // devices, FIFOs, sockets are never served
    let bytes: Uint8Array | undefined
    let info = s
    // an unreadable file is a 403 now, not a failure after the headers are sent
    if (s.size > options.inlineBytes) await access(path, constants.R_OK)
    else {
      // read and fstat through one handle, so the bytes and the validators agree
      const handle = await open(path, 'r')
      try {
        info = await handle.stat()
        if (info.isFile() && info.size <= options.inlineBytes) bytes = await handle.readFile()
        if (bytes && bytes.length !== info.size) bytes = undefined // changed while reading
      } finally {
        await handle.close()
      }
    }
    const file: FileMeta = {
      path,
      realPath,
      size: info.size,
      mtimeMs: info.mtimeMs,
      ino: info.ino,
      etag: fileETag(info.size, info.mtimeMs, info.ino),
      lastModified: Math.floor(info.mtimeMs / 1000),
      bytes,
    }
    return { kind: 'file', file }
  } catch (error) {
    const code = (error as { code?: string }).code ?? ''
    if (code === 'EACCES' || code === 'EPERM') return MISSING_403
    if (NOT_FOUND_CODES.has(code)) return MISSING_404
    throw error // an I/O failure: a logged 500, never a guess
  }
}
