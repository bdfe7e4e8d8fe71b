/* Options of archiveApp, checked and resolved once. */
import { statSync } from 'node:fs'
import { consoleLogger, type Logger } from '@paste/core'
import type { DataAppOptions, DotfilePolicy } from '@paste/fileapp'

const PKG = '@paste/fileapp-archive'

/** Archive formats read. */
export type ArchiveFormat = 'zip' | 'tar' | 'tgz'

/** Options for `archiveApp`. */
export interface ArchiveAppOptions {
  /** The archive's format. @default from the file name: `.zip`, `.tar`, `.tar.gz` or `.tgz` */
  format?: ArchiveFormat
  /** Cache-Control on every member: a literal value or directives, as in `@paste/fileapp`. @default none */
  cacheControl?: DataAppOptions['cacheControl']
  /** charset added to text types (`text/*`, JavaScript, JSON, XML, SVG); `false` adds none. @default 'utf-8' */
  charset?: string | false
  /** Largest member served, in uncompressed bytes; larger ones get 413. @default 4194304 (4 MiB) */
  maxMemberBytes?: number
  /** Total bytes of read members kept in memory (least recently used dropped first). @default 33554432 (32 MiB) */
  cacheBytes?: number
  /** How long the archive's identity (size, mtime, inode) is trusted before it is checked again, in ms. @default 1000 */
  metadataTtlMs?: number
  /** File names served for a directory request (`/docs/`), first found wins; none: directories are 404. @default [] */
  index?: readonly string[]
  /** Names starting with a dot: `ignore` (404), `deny` (403) or `allow`. @default 'ignore' */
  dotfiles?: DotfilePolicy
  /** Largest ratio of uncompressed to compressed size (a zip member, a gzipped tar). @default 1000 */
  maxCompressionRatio?: number
  /** Most members an archive may have; more and it is refused. @default 65536 */
  maxEntries?: number
  /** Where archive errors are reported. @default consoleLogger from `@paste/core` */
  logger?: Logger
}

/** Options with every default applied. */
export interface Resolved {
  readonly path: string
  readonly format: ArchiveFormat
  readonly cacheControl: DataAppOptions['cacheControl']
  readonly charset: string | false
  readonly maxMemberBytes: number
  readonly cacheBytes: number
  readonly ttl: number
  readonly index: readonly string[]
  readonly dotfiles: DotfilePolicy
  readonly maxCompressionRatio: number
  readonly maxEntries: number
  readonly logger: Logger
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min)
    throw new TypeError(`${PKG}: ${name} must be an integer >= ${min}`)
  return value
}

function formatOf(path: string, format: ArchiveFormat | undefined): ArchiveFormat {
  if (format !== undefined) {
    if (format === 'zip' || format === 'tar' || format === 'tgz') return format
    throw new TypeError(`${PKG}: format must be 'zip', 'tar' or 'tgz'`)
  }
  const lower = path.toLowerCase()
  if (lower.endsWith('.zip')) return 'zip'
  if (lower.endsWith('.tar')) return 'tar'
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tgz'
  throw new TypeError(`${PKG}: cannot tell the format of ${JSON.stringify(path)}; set format`)
}

function indexNames(names: readonly string[] | undefined): readonly string[] {
  if (names === undefined) return []
  if (!Array.isArray(names)) throw new TypeError(`${PKG}: index must be an array of file names`)
  for (const name of names)
    if (
      typeof name !== 'string' ||
      !/^[^/\\\x00-\x1f\x7f]+$/.test(name) ||
      name === '.' ||
      name === '..'
    )
      throw new TypeError(`${PKG}: index names must be plain file names`)
  return [...names]
}

/** Checks and resolves the options (TypeError naming the package and the option). */
export function resolveOptions(path: string, options: ArchiveAppOptions): Resolved {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${PKG}: path must be a string`)
  const format = formatOf(path, options.format)
  let isFile = false
  try {
    isFile = statSync(path).isFile()
  } catch {}
  if (!isFile) throw new TypeError(`${PKG}: archive ${JSON.stringify(path)} is not a readable file`)
  const dotfiles = options.dotfiles ?? 'ignore'
  if (dotfiles !== 'ignore' && dotfiles !== 'deny' && dotfiles !== 'allow')
    throw new TypeError(`${PKG}: dotfiles must be 'ignore', 'deny' or 'allow'`)
  return {
    path,
    format,
    cacheControl: options.cacheControl,
    charset: options.charset ?? 'utf-8',
    maxMemberBytes: count('maxMemberBytes', options.maxMemberBytes, 4 << 20, 0),
    cacheBytes: count('cacheBytes', options.cacheBytes, 32 << 20, 0),
    ttl: count('metadataTtlMs', options.metadataTtlMs, 1000, 0),
    index: indexNames(options.index),
    dotfiles,
    maxCompressionRatio: count('maxCompressionRatio', options.maxCompressionRatio, 1000, 1),
    maxEntries: count('maxEntries', options.maxEntries, 65536, 1),
    logger: options.logger ?? consoleLogger,
  }
}
