import { join } from 'node:path'
import type { FileSystem } from './fs.js'

/** Options of {@link createLocks}. */
export interface LockOptions {
  dir: string
  fs: FileSystem
  /** How long to wait for a lock before failing (ms). */
  timeout: number
  /** A lock file older than this (ms) was left by a crashed process and is broken. */
  stale: number
  now: () => number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Per-id locks: a promise chain serialises callers in this process, and a lock file
 * created with O_EXCL (`<id>.lock`) serialises processes sharing the directory. A lock file
 * older than `stale` is taken to be left over from a crash and removed.
 */
export function createLocks(options: LockOptions) {
  const chains = new Map<string, Promise<unknown>>()

  async function acquireFile(id: string): Promise<string> {
    const path = join(options.dir, `${id}.lock`)
    const deadline = options.now() + options.timeout
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      try {
        const handle = await options.fs.open(path, 'wx', 0o600)
        await handle.close()
        return path
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const info = await options.fs.stat(path).catch(() => undefined)
      if (info && options.now() - info.mtimeMs > options.stale) {
        await options.fs.rm(path, { force: true })
        continue
      }
      if (options.now() > deadline)
        throw new Error('@paste/session-file: timed out waiting for a session lock')
      await sleep(delay)
    }
  }

  /** Runs `task` holding the lock for `id`. */
  return function withLock<T>(id: string, task: () => Promise<T>): Promise<T> {
    const previous = chains.get(id) ?? Promise.resolve()
    const run = previous.then(async () => {
      const path = await acquireFile(id)
      try {
        return await task()
      } finally {
        await options.fs.rm(path, { force: true })
      }
    })
    const tail = run.catch(() => {})
    chains.set(id, tail)
    void tail.then(() => {
      if (chains.get(id) === tail) chains.delete(id)
    })
    return run
  }
}
