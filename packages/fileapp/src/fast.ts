/*
 * The extra fast path for Node servers. A Response whose body is a plain range of a file
 * also carries, under `Symbol.for('@paste/httpserver.sendFile')` (the hook @paste/httpserver
 * reads), a Node Readable of the same bytes, so the server pipes the file to the socket
 * without Web streams. The Readable is made on first access and opens nothing until it is
 * read; it checks the file against the metadata the headers came from and fails (so the
 * server aborts the connection) if the file changed or shrank. Any other consumer just
 * reads the standard Web body. The hook's other form, `{ path, start, end }`, is not used:
 * the server then reads with `fs.createReadStream`, which ends early without an error when
 * the file shrinks (a body shorter than its Content-Length on a kept-alive connection) and
 * cannot check that the file is still the one the ETag describes.
 */
import { close, fstat, open, read } from 'node:fs'
import { Readable } from 'node:stream'
import { FileChangedError } from './body.js'
import type { FileMeta } from './meta.js'

/** The well-known symbol under which a Response describes its file body. */
export const FILE_SOURCE: unique symbol = Symbol.for('@paste/fileapp.source') as never
/** @paste/httpserver's hook: `{ stream: Readable }` sends that stream instead of the Web body. */
const SEND_FILE = Symbol.for('@paste/httpserver.sendFile')

/** A byte range of a file, with the identity the headers were built from. */
export interface FileSource {
  /** Absolute path. */
  readonly path: string
  /** First byte (inclusive). */
  readonly start: number
  /** Last byte + 1 (exclusive). */
  readonly end: number
  /** Size, mtime and inode the headers describe; a sender must refuse a file that differs. */
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

// 256 KiB reads: a quarter of the read syscalls and socket writes of 64 KiB (1 MB file
// through @paste/httpserver: from about 0.5x to about 1x sirv's requests/s)
const CHUNK = 256 * 1024

/** A Node Readable of `[start, end)` of a file, checked against its metadata (internal). */
export class FileRangeReadable extends Readable {
  readonly #source: FileSource
  readonly #onChanged: () => void
  #fd = -1
  #position: number

  constructor(source: FileSource, onChanged: () => void) {
    super({ highWaterMark: CHUNK })
    this.#source = source
    this.#onChanged = onChanged
    this.#position = source.start
  }

  override _read(): void {
    if (this.#fd < 0) {
      open(this.#source.path, 'r', (error, fd) => {
        if (error) return this.destroy(error)
        this.#fd = fd
        if (this.destroyed) return this.#close()
        fstat(fd, (e, s) => {
          // destroyed while fstat ran: _destroy already closed the descriptor
          if (this.destroyed) return
          if (e) return this.destroy(e)
          const src = this.#source
          if (s.size !== src.size || s.mtimeMs !== src.mtimeMs || s.ino !== src.ino)
            return this.#changed('file changed since its headers were sent')
          this.#next()
        })
      })
    } else this.#next()
  }

  #next(): void {
    // destroyed (client gone) or closed: never read a released descriptor
    if (this.destroyed || this.#fd < 0) return
    const remaining = this.#source.end - this.#position
    if (remaining <= 0) {
      this.push(null)
      return
    }
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, remaining))
    read(this.#fd, buffer, 0, buffer.length, this.#position, (error, bytesRead) => {
      if (this.destroyed) return
      if (error) return this.destroy(error)
      if (bytesRead === 0) return this.#changed('file shrank while it was being sent')
      this.#position += bytesRead
      this.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead))
    })
  }

  #changed(message: string): void {
    this.#onChanged()
    this.destroy(new FileChangedError(message))
  }

  #close(): void {
    if (this.#fd >= 0) close(this.#fd, () => {})
    this.#fd = -1
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#close()
    callback(error)
  }
}

/** Marks a response as a file range and offers it to @paste/httpserver (internal). */
export function attachFileSource(
  response: Response,
  file: FileMeta,
  range: { start: number; end: number },
  onChanged: () => void,
): Response {
  const source: FileSource = {
    path: file.path,
    start: range.start,
    end: range.end,
    size: file.size,
    mtimeMs: file.mtimeMs,
    ino: file.ino,
  }
  let send: { stream: Readable } | undefined
  Object.defineProperty(response, FILE_SOURCE, { value: source })
  Object.defineProperty(response, SEND_FILE, {
    get: () => {
      send ??= { stream: new FileRangeReadable(source, onChanged) }
      return send
    },
  })
  return response
}
