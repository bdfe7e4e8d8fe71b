/**
 * Where a cascade keeps the part of a request body that does not fit in memory. The
 * interface has no Node types, so `cascade()` runs on any runtime; `@paste/cascade/file-spill`
 * provides the Node implementation (an unlinked temporary file).
 *
 * @example
 * import { fileSpill } from '@paste/cascade/file-spill'
 * const store: SpillStore = fileSpill()
 */
export interface SpillStore {
  /** Opens a new, empty spill for one request. */
  create(): Promise<SpillFile>
}

/**
 * One request's spilled bytes: appended in order, read back by position.
 *
 * @example
 * const file: SpillFile = await store.create()
 */
export interface SpillFile {
  /** Appends bytes at the end. The chunk may be reused by the caller once this resolves. */
  write(chunk: Uint8Array): Promise<void>
  /** Reads up to `length` bytes at `position` into a new array (shorter only at the end). */
  read(position: number, length: number): Promise<Uint8Array>
  /** Releases the spill (closes and removes the file). Called once. */
  close(): Promise<void>
}
