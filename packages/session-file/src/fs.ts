import * as fsp from 'node:fs/promises'

/**
 * The file-system calls the store makes (a subset of `node:fs/promises`), injectable so a test
 * can simulate faults such as ENOSPC where a real full disk cannot be made.
 */
export interface FileSystem {
  open: typeof fsp.open
  readFile(path: string, encoding: 'utf8'): Promise<string>
  rename: typeof fsp.rename
  rm: typeof fsp.rm
  mkdir: typeof fsp.mkdir
  readdir(path: string): Promise<string[]>
  stat: typeof fsp.stat
}

/** The real file system. */
export const nodeFileSystem: FileSystem = {
  open: fsp.open,
  readFile: (path, encoding) => fsp.readFile(path, encoding),
  rename: fsp.rename,
  rm: fsp.rm,
  mkdir: fsp.mkdir,
  readdir: (path) => fsp.readdir(path),
  stat: fsp.stat,
}
