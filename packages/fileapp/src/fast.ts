/*
 * The extra fast path for Node servers: a Response whose body is a plain file range carries a
 * description of it, so a server that knows how can send the file itself (fs.createReadStream
 * or sendfile) without Web streams. The Response stays a complete standard Response: any
 * other consumer just reads its body.
 */
import type { FileMeta } from './meta.js'

/** The well-known symbol under which a Response describes its file body. */
export const FILE_SOURCE: unique symbol = Symbol.for('@paste/fileapp.source') as never

/** A byte range of a file, with the identity the headers were built from. */
export interface FileSource {
  /** Absolute path. */
  readonly path: string
  /** First byte (inclusive). */
  readonly start: number
  /** Last byte + 1 (exclusive). */
  readonly end: number
  /** Size, mtime and inode the headers describe; a server must refuse a file that differs. */
  readonly size: number
  readonly mtimeMs: number
  readonly ino: number
}

/**
 * Reads the file description of a Response built by this package, if any.
 *
 * @example
 * const source = fileSource(response)
 * if (source) fs.createReadStream(source.path, { start: source.start, end: source.end - 1 })
 */
export function fileSource(response: Response): FileSource | undefined {
  return (response as unknown as Record<symbol, FileSource | undefined>)[FILE_SOURCE]
}

/** Marks a response as a file range (internal). */
export function attachFileSource(
  response: Response,
  file: FileMeta,
  range: { start: number; end: number },
): Response {
  const source: FileSource = {
    path: file.path,
    start: range.start,
    end: range.end,
    size: file.size,
    mtimeMs: file.mtimeMs,
    ino: file.ino,
  }
  Object.defineProperty(response, FILE_SOURCE, { value: source, enumerable: false })
  return response
}
