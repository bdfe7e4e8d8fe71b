/*
 * The archive behind an app, by version. The file's identity (size, mtime, inode) is
 * re-checked at most every `ttl` ms (or when the client asks for a fresh copy); a new identity
 * is indexed again, and the old index released. An archive that cannot be indexed is
 * remembered as failed for that identity, so its error is logged once, not per request.
 */
import { stat } from 'node:fs/promises'
import type { Logger } from '@paste/core'
import type { ArchiveIndex } from './archive.js'

/** One indexed state of the archive file. */
export type Version =
  | { readonly ok: true; readonly id: string; readonly mtime: Date; readonly index: ArchiveIndex }
  | { readonly ok: false; readonly id: string }

/** Settings for {@link ArchiveStore}. */
export interface StoreSettings {
  readonly path: string
  readonly ttl: number
  readonly logger: Logger
  readonly open: (path: string) => Promise<ArchiveIndex>
  /** Called when a new version replaces the previous one (to drop cached members). */
  readonly onVersion: () => void
}

export class ArchiveStore {
  #version: Version | undefined
  #checkedAt = -Infinity
  #pending: Promise<Version> | undefined

  constructor(readonly settings: StoreSettings) {}

  /** The current version: cached while the TTL runs, else re-checked (`fresh` forces it). */
  current(fresh: boolean): Version | Promise<Version> {
    const version = this.#version
    if (version && !fresh && Date.now() - this.#checkedAt < this.settings.ttl) return version
    this.#pending ??= this.#check().finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  async #check(): Promise<Version> {
    const { path, logger } = this.settings
    let id: string
    let mtime: Date
    try {
      const s = await stat(path)
      if (!s.isFile()) throw new Error('not a regular file')
      id = `${s.size.toString(16)}-${Math.floor(s.mtimeMs * 1000).toString(16)}-${s.ino.toString(16)}`
      mtime = s.mtime
    } catch (error) {
      id = 'unavailable'
      mtime = new Date(0)
      if (this.#version?.id !== id)
        logger.error('@paste/fileapp-archive: archive unavailable', { path, error: String(error) })
    }
    this.#checkedAt = Date.now()
    if (this.#version?.id === id) return this.#version
    const version = id === 'unavailable' ? { ok: false as const, id } : await this.#open(id, mtime)
    const previous = this.#version
    this.#version = version
    if (previous?.ok) previous.index.close()
    this.settings.onVersion()
    return version
  }

  async #open(id: string, mtime: Date): Promise<Version> {
    const { path, logger } = this.settings
    try {
      const index = await this.settings.open(path)
      if (index.skipped > 0)
        logger.warn('@paste/fileapp-archive: members with unsafe names left out', {
          path,
          skipped: index.skipped,
        })
      return { ok: true, id, mtime, index }
    } catch (error) {
      logger.error('@paste/fileapp-archive: cannot index archive', {
        path,
        error: (error as Error)?.message ?? String(error),
      })
      return { ok: false, id }
    }
  }

  /** Releases the current index. */
  close(): void {
    if (this.#version?.ok) this.#version.index.close()
    this.#version = undefined
  }
}
