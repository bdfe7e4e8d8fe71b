import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SpillFile, SpillStore } from './spill.js'

/** Options for {@link fileSpill}. */
export interface FileSpillOptions {
  /** The directory for temporary files. @default os.tmpdir() */
  directory?: string
}

/**
 * A {@link SpillStore} on the file system (Node): each spill is a file created with mode 0600
 * in a fresh private directory and removed from the directory as soon as it is open, so
 * nothing is left behind even if the process dies; the open handle is closed when the
 * request ends.
 *
 * @example
 * import { fileSpill } from '@paste/cascade/file-spill'
 * const site = cascade([a, b], { spill: fileSpill(), maxBodyBytes: 200 * 1024 * 1024 })
 */
export function fileSpill(options: FileSpillOptions = {}): SpillStore {
  const directory = options.directory ?? tmpdir()
  if (typeof directory !== 'string' || directory === '')
    throw new TypeError('@paste/cascade: fileSpill directory must be a path')
  return {
    async create(): Promise<SpillFile> {
      const dir = await mkdtemp(join(directory, 'paste-cascade-'))
      let handle: FileHandle
      try {
        handle = await open(join(dir, 'body'), 'w+', 0o600)
      } finally {
        // POSIX keeps an unlinked open file readable; on Windows removal waits for close
        await rm(dir, { recursive: true, force: true }).catch(() => {})
      }
      let size = 0
      return {
        async write(chunk) {
          let done = 0
          while (done < chunk.length) {
            const { bytesWritten } = await handle.write(
              chunk,
              done,
              chunk.length - done,
              size + done,
            )
            done += bytesWritten
          }
          size += chunk.length
        },
        async read(position, length) {
          const buffer = new Uint8Array(Math.max(0, Math.min(length, size - position)))
          let done = 0
          while (done < buffer.length) {
            const { bytesRead } = await handle.read(
              buffer,
              done,
              buffer.length - done,
              position + done,
            )
            if (bytesRead === 0) break
            done += bytesRead
          }
          return buffer.subarray(0, done)
        },
        async close() {
          await handle.close()
        },
      }
    },
  }
}
