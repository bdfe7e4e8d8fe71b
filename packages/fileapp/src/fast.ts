/*
 * The extra fast path for Node servers. A Response whose body is a plain range of a file
 * also carries, under `Symbol.for('@paste/httpserver.sendFile')` (the hook @paste/httpserver
 * reads), a reader of the same bytes that fills the server's own reusable buffers (and, for
 * servers that only know the `stream` form, a Node Readable), so the file goes to the
 * socket without Web streams. Each is made on first access and opens nothing until read; it
 * checks the file against the metadata the headers came from and fails (so the server
 * aborts the connection) if the file changed or shrank. Any other consumer just
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

// Chunks of the `stream` form: 256 KiB, a quarter of the read syscalls and socket writes of
// Node's 64 KiB default (the `source` form reads into the server's own buffers instead)
const CHUNK = 256 * 1024

/**
 * Reads `[start, end)` of a file in order into the caller's buffers (the `source` form of
 * @paste/httpserver's hook, which reuses its buffers). Opens the file on the first read and
 * checks it against the metadata the headers came from; a file that changed or shrank
 * fails the read, so the server aborts the connection (internal).
 */
export class FileRangeSource {
  readonly length: number
  readonly #source: FileSource
  readonly #onChanged: () => void
  #fd = -1
  #position: number
  #closed = false

  constructor(source: FileSource, onChanged: () => void) {
    this.length = source.end - source.start
    this.#source = source
    this.#onChanged = onChanged
    this.#position = source.start
  }

  read(buffer: Uint8Array, done: (error: Error | null, bytesRead: number) => void): void {
    if (this.#closed) {
      done(new Error('file source closed'), 0)
      return
    }
    if (this.#fd >= 0) {
      this.#read(buffer, done)
      return
    }
    open(this.#source.path, 'r', (error, fd) => {
      if (error) return done(error, 0)
      if (this.#closed) {
        close(fd, () => {})
        return done(new Error('file source closed'), 0)
      }
      this.#fd = fd
      fstat(fd, (e, s) => {
        if (e) return done(e, 0)
        const src = this.#source
        if (s.size !== src.size || s.mtimeMs !== src.mtimeMs || s.ino !== src.ino)
          return done(this.#changed('file changed since its headers were sent'), 0)
        this.#read(buffer, done)
      })
    })
  }

  #read(buffer: Uint8Array, done: (error: Error | null, bytesRead: number) => void): void {
    // closed (client gone): never read a released descriptor
    if (this.#closed || this.#fd < 0) {
      done(new Error('file source closed'), 0)
      return
    }
    const length = Math.min(buffer.length, this.#source.end - this.#position)
    if (length <= 0) {
      done(null, 0)
      return
    }
    read(this.#fd, buffer, 0, length, this.#position, (error, bytesRead) => {
      if (error) return done(error, 0)
      if (bytesRead === 0) return done(this.#changed('file shrank while it was being sent'), 0)
      this.#position += bytesRead
      done(null, bytesRead)
    })
  }

  #changed(message: string): FileChangedError {
    this.#onChanged()
    return new FileChangedError(message)
  }

  close(): void {
    this.#closed = true
    if (this.#fd >= 0) close(this.#fd, () => {})
    this.#fd = -1
  }
}

/** A Node Readable of `[start, end)` of a file, checked against its metadata (internal). */
export class FileRangeReadable extends Readable {
  readonly #source: FileRangeSource
  #left: number

  constructor(source: FileSource, onChanged: () => void) {
    super({ highWaterMark: CHUNK })
    this.#source = new FileRangeSource(source, onChanged)
    this.#left = this.#source.length
  }

  override _read(): void {
    if (this.#left <= 0) {
      this.push(null)
      return
    }
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, this.#left))
    this.#source.read(buffer, (error, bytesRead) => {
      // destroyed (client gone) while reading: the descriptor is already released
      if (this.destroyed) return
      if (error) return this.destroy(error)
      this.#left -= bytesRead
      this.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead))
    })
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#source.close()
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
  // the hook offers both forms, each made on first access: `source` (read into the
  // server's reused buffers) and `stream` (for servers that only know that form)
  let stream: Readable | undefined
  let reader: FileRangeSource | undefined
  const send = {
    get stream() {
      stream ??= new FileRangeReadable(source, onChanged)
      return stream
    },
    get source() {
      reader ??= new FileRangeSource(source, onChanged)
      return reader
    },
  }
  Object.defineProperty(response, FILE_SOURCE, { value: source })
  Object.defineProperty(response, SEND_FILE, { value: send })
  return response
}
