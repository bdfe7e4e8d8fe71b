import { PayloadTooLarge } from '@paste/httpexceptions'
import type { SpillFile, SpillStore } from './spill.js'

/** Limits for a {@link ReplayableBody}. */
export interface ReplayLimits {
  /** Bytes kept in memory before the rest goes to `spill`. */
  memoryBytes: number
  /** Bytes recorded for replay; a recording read beyond it fails with a 413 error. */
  maxBytes: number
  /** Where bytes beyond `memoryBytes` go; without it, everything stays in memory. */
  spill: SpillStore | undefined
}

const READ_SIZE = 64 * 1024

/**
 * A request body that several apps can read in turn, each from the start. Nothing is read
 * until an app reads: bytes are recorded as they pass from the client to the reading app
 * (the first `memoryBytes` in memory, the rest in the spill, at most `maxBytes` in all), and
 * the next app replays the recording before reading on. The last app's reader does not
 * record, so it is not limited here. Only the newest reader is live: a superseded one errors
 * on its next read.
 */
export class ReplayableBody {
  readonly #source: ReadableStreamDefaultReader<Uint8Array>
  readonly #limits: ReplayLimits
  readonly #memory: Uint8Array[] = []
  readonly #starts: number[] = []
  #memoryBytes = 0
  #spill: Promise<SpillFile> | undefined
  #recorded = 0
  #ended = false
  #failure: unknown
  #generation = 0
  /** Set when the body went over `maxBytes`. */
  tooLarge = false

  constructor(body: ReadableStream<Uint8Array>, limits: ReplayLimits) {
    this.#source = body.getReader()
    this.#limits = limits
  }

  /** Whether a spill was opened (so it must be closed). */
  get spilled(): boolean {
    return this.#spill !== undefined
  }

  /** A new reader from byte 0; `record` is false for the last app. Supersedes older readers. */
  stream(record: boolean): ReadableStream<Uint8Array> {
    const generation = ++this.#generation
    let position = 0
    let cursor = 0
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          // an older app's reader: the cascade has moved on (RFC-less, but no two readers share the source)
          if (generation !== this.#generation)
            throw new Error('@paste/cascade: request body superseded')
          if (position < this.#recorded) {
            const chunk = await this.#replay(position, cursor)
            cursor = chunk.cursor
            position += chunk.bytes.length
            controller.enqueue(chunk.bytes)
            return
          }
          const bytes = await this.#pullLive(record)
          if (bytes === undefined) return controller.close()
          position += bytes.length
          controller.enqueue(bytes)
        },
        cancel: async (reason) => {
          // the last app gave up on the body: nobody else will read it
          if (!record && generation === this.#generation) await this.#source.cancel(reason)
        },
      },
      { highWaterMark: 0 },
    ) // pull only when the app reads: an app that ignores the body costs nothing
  }

  /** Closes the spill, if any (idempotent). */
  async close(): Promise<void> {
    const spill = this.#spill
    this.#spill = undefined
    if (spill) await (await spill).close()
  }

  async #replay(position: number, cursor: number): Promise<{ bytes: Uint8Array; cursor: number }> {
    if (position >= this.#memoryBytes) {
      const spill = await this.#spill!
      const length = Math.min(READ_SIZE, this.#recorded - position)
      return { bytes: await spill.read(position - this.#memoryBytes, length), cursor }
    }
    while (this.#starts[cursor]! + this.#memory[cursor]!.length <= position) cursor++
    // a copy: the reader may keep or change what it gets; the recording must not change
    return { bytes: this.#memory[cursor]!.slice(position - this.#starts[cursor]!), cursor }
  }

  async #pullLive(record: boolean): Promise<Uint8Array | undefined> {
    if (this.#failure !== undefined) throw this.#failure
    if (this.#ended) return undefined
    const { value, done } = await this.#source.read()
    if (done) {
      this.#ended = true
      return undefined
    }
    // RFC 9110 section 15.5.14: refuse a body too large to keep for replay, never buffer without bound
    if (record && this.#recorded + value.length > this.#limits.maxBytes) {
      this.tooLarge = true
      this.#failure = new PayloadTooLarge(`The limit is ${this.#limits.maxBytes} bytes`)
      await this.#source.cancel(this.#failure).catch(() => {})
      throw this.#failure
    }
    if (record) await this.#record(value)
    return value
  }

  async #record(value: Uint8Array): Promise<void> {
    const room = this.#limits.spill ? this.#limits.memoryBytes - this.#memoryBytes : value.length
    if (room > 0) {
      const kept = value.slice(0, room)
      this.#starts.push(this.#memoryBytes)
      this.#memory.push(kept)
      this.#memoryBytes += kept.length
    }
    if (room < value.length) {
      this.#spill ??= this.#limits.spill!.create()
      await (await this.#spill).write(value.subarray(Math.max(room, 0)))
    }
    this.#recorded += value.length
  }
}
