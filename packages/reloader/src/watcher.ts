/*
 * Watches directory trees and single files and reports changed paths (no debouncing here).
 *
 * Linux: one non-recursive fs.watch (one inotify watch) per directory, walking the tree and
 * skipping ignored directories, so node_modules costs nothing. Node 20's `recursive: true`
 * on Linux is emulated in JavaScript with one fs.watch per file and directory, ignored ones
 * included (3031 inotify watches for 3000 files in 30 directories). macOS and Windows: one
 * native recursive fs.watch per root. Single files are watched through their directory, so a
 * file replaced by rename (how many editors save) is still seen. Where fs.watch fails
 * (unsupported platform, inotify limit reached) it falls back to stat polling.
 */
import {
  type FSWatcher,
  readdirSync,
  type Stats,
  statSync,
  unwatchFile,
  watch,
  watchFile,
} from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import type { Logger } from '@paste/core'
import type { PathFilter } from './filter.js'

/** How directories are watched: per directory (Linux), natively recursive, or stat polling. */
export type Strategy = 'directories' | 'recursive' | 'poll'

/** Options for {@link Watcher}. */
export interface WatcherOptions {
  readonly filter: PathFilter
  readonly onChange: (path: string) => void
  readonly logger: Logger
  /** @default 'recursive' on macOS and Windows, 'directories' elsewhere */
  readonly strategy?: Strategy
  /** Stat interval when polling, in ms. @default 1000 */
  readonly pollIntervalMs?: number
}

const SKIP_CODES = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM'])
const codeOf = (error: unknown) => String((error as NodeJS.ErrnoException).code ?? error)
const statOrUndefined = (path: string): Stats | undefined => {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

export class Watcher {
  #strategy: Strategy
  readonly #options: WatcherOptions
  readonly #roots: string[] = []
  readonly #explicit = new Set<string>()
  /** Watched directories (or recursive roots) and what closes each. */
  readonly #dirs = new Map<string, { close: () => void; key: string }>()
  /** dev:ino of watched directories: a symlink loop meets a directory it already has. */
  readonly #visited = new Set<string>()
  readonly #polled = new Set<string>()
  #closed = false
  /** Bumped when falling back to polling, so a walk in progress stops. */
  #generation = 0

  constructor(options: WatcherOptions) {
    this.#options = options
    this.#strategy =
      options.strategy ??
      (process.platform === 'darwin' || process.platform === 'win32' ? 'recursive' : 'directories')
  }

  /** How it watches now (it turns to 'poll' if fs.watch fails). */
  get strategy(): Strategy {
    return this.#strategy
  }

  /** How many directories have a watcher (or poller) of their own. */
  get directoryCount(): number {
    return this.#dirs.size
  }

  /** Watches `path`: a directory with everything below it, or a single file. */
  add(path: string): void {
    if (this.#closed) return
    if (statOrUndefined(path)?.isDirectory()) {
      if (this.#roots.includes(path)) return
      this.#roots.push(path)
      if (this.#strategy === 'recursive') this.#watchRecursive(path)
      else this.#walk(path)
    } else this.addFile(path)
  }

  /** Watches one file whatever its extension (it need not exist yet; its directory must). */
  addFile(path: string): void {
    if (this.#closed || this.#explicit.has(path)) return
    this.#explicit.add(path)
    if (this.#strategy === 'poll') {
      this.#pollFile(path)
      return
    }
    const parent = dirname(path)
    if (this.#dirs.has(parent)) return
    const stats = statOrUndefined(parent)
    if (!stats?.isDirectory()) {
      this.#options.logger.warn(`reloader: cannot watch ${path}: its directory does not exist`)
      return
    }
    this.#watchDir(parent, `${stats.dev}:${stats.ino}`)
  }

  close(): void {
    this.#closed = true
    for (const entry of this.#dirs.values()) entry.close()
    for (const file of this.#polled) unwatchFile(file)
    this.#dirs.clear()
    this.#polled.clear()
    this.#visited.clear()
  }

  #rel(path: string): { root: string; rel: string } | undefined {
    const root = this.#roots.find(
      (r) => path === r || path.startsWith(r.endsWith(sep) ? r : r + sep),
    )
    return root === undefined ? undefined : { root, rel: relative(root, path).split(sep).join('/') }
  }

  #changed(path: string): void {
    if (!this.#closed) this.#options.onChange(path)
  }

  /** Walks a tree (iteratively: deep trees do not grow the stack), watching each directory. Returns the relevant files found. */
  #walk(start: string): string[] {
    const found: string[] = []
    const stack = [start]
    const generation = this.#generation
    for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
      if (this.#closed || generation !== this.#generation) break
      const stats = statOrUndefined(dir)
      const key = stats ? `${stats.dev}:${stats.ino}` : ''
      if (!stats?.isDirectory() || this.#visited.has(key) || this.#dirs.has(dir)) continue
      let entries: import('node:fs').Dirent[]
      try {
        entries = readdirSync(dir, { withFileTypes: true })
      } catch {
        continue // unreadable or gone: nothing to watch there
      }
      this.#visited.add(key)
      this.#watchDir(dir, key)
      for (const entry of entries) {
        const path = join(dir, entry.name)
        const rel = this.#rel(path)?.rel ?? entry.name
        const isDir =
          entry.isDirectory() || (entry.isSymbolicLink() && !!statOrUndefined(path)?.isDirectory())
        if (isDir) {
          if (!this.#options.filter.ignored(rel, true)) stack.push(path)
        } else if (this.#options.filter.relevant(rel)) {
          found.push(path)
          if (this.#strategy === 'poll') this.#pollFile(path)
        }
      }
    }
    return found
  }

  #watchDir(dir: string, key: string): void {
    if (this.#strategy === 'poll') {
      const listener = () => this.#rescan(dir)
      watchFile(dir, { interval: this.#options.pollIntervalMs ?? 1000 }, listener)
      this.#dirs.set(dir, { close: () => unwatchFile(dir, listener), key })
      return
    }
    let handle: FSWatcher
    try {
      handle = watch(dir, (type, name) => this.#onDirEvent(dir, type, name))
    } catch (error) {
      if (!SKIP_CODES.has(codeOf(error))) this.#fallBackToPolling(error)
      return
    }
    handle.on('error', () => this.#unwatchUnder(dir)) // the directory went away under us
    this.#dirs.set(dir, { close: () => handle.close(), key })
  }

  #onDirEvent(dir: string, type: string, name: string | null): void {
    if (this.#closed || name === null) return
    const path = join(dir, name)
    if (this.#explicit.has(path)) {
      this.#changed(path)
      return
    }
    const where = this.#rel(path)
    if (!where) return // a directory watched only for an explicit file
    if (this.#options.filter.relevant(where.rel)) this.#changed(path)
    if (type !== 'rename' || this.#options.filter.ignored(where.rel, true)) return
    // created, deleted or moved: a new directory is walked, a vanished one forgotten
    if (statOrUndefined(path)?.isDirectory()) {
      const found = this.#walk(path)
      if (found[0] !== undefined) this.#changed(found[0])
    } else if (this.#unwatchUnder(path)) this.#changed(path)
  }

  /** Forgets the watchers at or below `path`; true if there were any. */
  #unwatchUnder(path: string): boolean {
    let any = false
    for (const [dir, entry] of this.#dirs) {
      if (dir !== path && !dir.startsWith(path + sep)) continue
      entry.close()
      this.#dirs.delete(dir)
      this.#visited.delete(entry.key)
      any = true
    }
    return any
  }

  #watchRecursive(root: string): void {
    let handle: FSWatcher
    try {
      handle = watch(root, { recursive: true }, (_type, name) => {
        if (name === null || this.#closed) return
        const path = join(root, name)
        const where = this.#rel(path)
        if (this.#explicit.has(path) || (where && this.#options.filter.relevant(where.rel)))
          this.#changed(path)
      })
    } catch (error) {
      this.#fallBackToPolling(error)
      return
    }
    handle.on('error', (error) =>
      this.#options.logger.warn(`reloader: watching ${root} failed`, { error }),
    )
    this.#dirs.set(root, { close: () => handle.close(), key: root })
  }

  #pollFile(path: string): void {
    if (this.#polled.has(path)) return
    this.#polled.add(path)
    watchFile(path, { interval: this.#options.pollIntervalMs ?? 1000 }, (now, before) => {
      if (now.mtimeMs === before.mtimeMs && now.ino === before.ino && now.size === before.size)
        return
      this.#changed(path)
      if (now.mtimeMs === 0 && !this.#explicit.has(path)) {
        unwatchFile(path) // deleted: its directory's rescan picks it up again if it comes back
        this.#polled.delete(path)
      }
    })
  }

  /** A polled directory changed (an entry added, removed or renamed). */
  #rescan(dir: string): void {
    if (this.#closed) return
    if (!statOrUndefined(dir)?.isDirectory()) {
      if (this.#unwatchUnder(dir)) this.#changed(dir)
      return
    }
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      return
    }
    for (const name of names) {
      const path = join(dir, name)
      const rel = this.#rel(path)?.rel
      if (rel === undefined || this.#polled.has(path) || this.#dirs.has(path)) continue
      if (statOrUndefined(path)?.isDirectory()) {
        if (this.#options.filter.ignored(rel, true)) continue
        const found = this.#walk(path)
        if (found[0] !== undefined) this.#changed(found[0])
      } else if (this.#options.filter.relevant(rel)) {
        this.#pollFile(path)
        this.#changed(path)
      }
    }
  }

  #fallBackToPolling(error: unknown): void {
    if (this.#strategy === 'poll') return
    this.#options.logger.warn(
      `reloader: fs.watch is unavailable here (${codeOf(error)}); polling file stats every ${(this.#options.pollIntervalMs ?? 1000) / 1000} s instead`,
    )
    const roots = [...this.#roots]
    const files = [...this.#explicit]
    this.close()
    this.#closed = false
    this.#generation++
    this.#strategy = 'poll'
    this.#roots.length = 0
    this.#explicit.clear()
    for (const root of roots) this.add(root)
    for (const file of files) this.addFile(file)
  }
}
