/*
 * The content codings this runtime can produce, as one-shot calls on libuv's thread pool (for
 * bodies known in full) and as streams (for everything else).
 */
import * as zlib from 'node:zlib'

/**
 * A coding name as it appears in Content-Encoding.
 *
 * @example
 * gzip({ encodings: ['gzip'] satisfies Coding[] })
 */
export type Coding = 'zstd' | 'br' | 'gzip'

/** Compression settings. */
export interface Levels {
  gzip: number
  br: number
  zstd: number
}

type ZlibWithZstd = typeof zlib & {
  createZstdCompress?: (options?: object) => zlib.Gzip
  zstdCompress?: (
    buffer: Uint8Array,
    options: object,
    cb: (e: Error | null, r: Buffer) => void,
  ) => void
  constants: typeof zlib.constants & { ZSTD_c_compressionLevel?: number; ZSTD_e_flush?: number }
}
const z = zlib as ZlibWithZstd

/**
 * Codings this runtime supports, best first. zstd needs a Node with `zlib.createZstdCompress`.
 *
 * @example
 * SUPPORTED.includes('zstd') // false on Node 20
 */
export const SUPPORTED: readonly Coding[] = Object.freeze(
  typeof z.createZstdCompress === 'function' && typeof z.zstdCompress === 'function'
    ? (['zstd', 'br', 'gzip'] as const)
    : (['br', 'gzip'] as const),
)

function options(coding: Coding, levels: Levels, size: number | undefined, flush: boolean): object {
  if (coding === 'gzip') return { level: levels.gzip }
  if (coding === 'br') {
    const params: Record<number, number> = { [zlib.constants.BROTLI_PARAM_QUALITY]: levels.br }
    if (size !== undefined) params[zlib.constants.BROTLI_PARAM_SIZE_HINT] = size
    return flush ? { params, flush: zlib.constants.BROTLI_OPERATION_FLUSH } : { params }
  }
  const level = z.constants.ZSTD_c_compressionLevel
  return level === undefined ? {} : { params: { [level]: levels.zstd } }
}

/** Compresses a whole body with one call on the thread pool. */
export function compressAll(
  coding: Coding,
  input: Uint8Array,
  levels: Levels,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, result: Buffer) => (error ? reject(error) : resolve(result))
    const o = options(coding, levels, input.length, false)
    if (coding === 'gzip') zlib.gzip(input, o, done)
    else if (coding === 'br') zlib.brotliCompress(input, o, done)
    else z.zstdCompress!(input, o, done)
  })
}

/** A streaming compressor (a Node Transform). */
export function createCompressor(coding: Coding, levels: Levels): zlib.Gzip | zlib.BrotliCompress {
  const o = options(coding, levels, undefined, false)
  if (coding === 'gzip') return zlib.createGzip(o)
  if (coding === 'br') return zlib.createBrotliCompress(o)
  return z.createZstdCompress!(o)
}

/** The flush kind that emits everything written so far (for Server-Sent Events). */
export function syncFlushKind(coding: Coding): number {
  if (coding === 'br') return zlib.constants.BROTLI_OPERATION_FLUSH
  if (coding === 'zstd') return z.constants.ZSTD_e_flush ?? zlib.constants.Z_SYNC_FLUSH
  return zlib.constants.Z_SYNC_FLUSH
}
