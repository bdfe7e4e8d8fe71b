/*
 * Reads members on demand and keeps the apps built from them in an LRU bounded by bytes.
 * Concurrent requests for one member share one read. A member that cannot be read (corrupt,
 * a decompression bomb, a declared size that lies) is remembered as failed for that archive
 * version, so it is logged once and never inflated again.
 */
import type { App, Logger } from '@paste/core'
import type { Member } from './archive.js'
import { ByteLru } from './lru.js'
import type { Version } from './store.js'

/** A member ready to serve, or the fact that it cannot be. */
export type Loaded = { readonly ok: true; readonly app: App } | { readonly ok: false }

/** Settings for {@link MemberLoader}. */
export interface LoaderSettings {
  readonly cacheBytes: number
  readonly logger: Logger
  readonly path: string
  /** Largest uncompressed/stored ratio of one member (zip); `Infinity` checks nothing. */
  readonly maxCompressionRatio: number
  readonly build: (bytes: Uint8Array, name: string, mtime: Date) => App
}

const FAILED: Loaded = Object.freeze({ ok: false })

export class MemberLoader {
  readonly #apps: ByteLru<App>
  readonly #pending = new Map<string, Promise<Loaded>>()
  /** Members of the current version that failed (bounded by the index's size). */
  readonly #failed = new Set<string>()

  constructor(readonly settings: LoaderSettings) {
    this.#apps = new ByteLru(settings.cacheBytes)
  }

  load(version: Version & { ok: true }, key: string, member: Member): Loaded | Promise<Loaded> {
    const cacheKey = `${version.id}\u0000${key}`
    const app = this.#apps.get(cacheKey)
    if (app !== undefined) return { ok: true, app }
    if (this.#failed.has(cacheKey)) return FAILED
    let pending = this.#pending.get(cacheKey)
    if (pending === undefined) {
      pending = this.#read(version, key, member, cacheKey).finally(() =>
        this.#pending.delete(cacheKey),
      )
      this.#pending.set(cacheKey, pending)
    }
    return pending
  }

  async #read(
    version: Version & { ok: true },
    key: string,
    member: Member,
    cacheKey: string,
  ): Promise<Loaded> {
    try {
      // a ratio no real compressor reaches for real content: refused before inflating
      const ratio = member.size / Math.max(member.storedSize, 1)
      if (ratio > this.settings.maxCompressionRatio)
        throw new Error(`compression ratio ${Math.round(ratio)} over maxCompressionRatio`)
      const bytes = await version.index.read(member)
      const app = this.settings.build(bytes, key, version.mtime)
      this.#apps.set(cacheKey, app, bytes.length)
      return { ok: true, app }
    } catch (error) {
      this.#failed.add(cacheKey)
      this.settings.logger.error('@paste/fileapp-archive: cannot read member', {
        path: this.settings.path,
        member: key,
        error: (error as Error)?.message ?? String(error),
      })
      return FAILED
    }
  }

  /** Forgets every member (the archive was replaced). */
  clear(): void {
    this.#apps.clear()
    this.#failed.clear()
  }
}
