/*
 * ReloaderOptions, checked and resolved once (the caller's object is never changed).
 */
import { statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { consoleLogger, type Logger } from '@paste/core'
import { DEFAULT_EXTENSIONS, DEFAULT_IGNORE, type IgnoreRule } from './filter.js'

/** Options for {@link runWithReloader}. */
export interface ReloaderOptions {
  /**
   * Files or directories to watch (directories with everything below them), resolved against
   * the current directory. Each must exist.
   * @default [the directory of the entry script]
   */
  watch?: string | readonly string[]
  /**
   * File extensions whose change restarts the server (with the dot). Empty: every file.
   * Files named in `watch`, `watchFile()` or `addFileCallback()` restart whatever their extension.
   * @default ['.js', '.mjs', '.cjs', '.ts', '.mts', '.json']
   */
  extensions?: readonly string[]
  /**
   * Paths not watched: a string matches any path segment (`'dist'`), a RegExp is tested on the
   * path relative to the watched directory, `/`-separated, directories with a trailing `/`.
   * Replaces the default; spread `DEFAULT_IGNORE` to extend it.
   * @default ['node_modules', '.git', /(^|\/)\.[^/]+\//] (node_modules, .git, dot-directories)
   */
  ignore?: readonly IgnoreRule[]
  /** Quiet time after the last change before restarting, in ms (a burst of writes gives one restart). @default 100 */
  debounceMs?: number
  /** How long a stopping server may take after SIGTERM before it gets SIGKILL, in ms. @default 5000 */
  killTimeoutMs?: number
  /**
   * Poll file stats every second instead of using `fs.watch` (network file systems, some
   * container bind mounts). Chosen automatically when `fs.watch` is unavailable.
   * @default false
   */
  poll?: boolean
  /** Where the supervisor reports restarts, crashes and watch problems. @default consoleLogger from @paste/core */
  logger?: Logger
}

/** The options with every default filled in. */
export interface ResolvedOptions {
  readonly watch: readonly string[]
  readonly extensions: readonly string[]
  readonly ignore: readonly IgnoreRule[]
  readonly debounceMs: number
  readonly killTimeoutMs: number
  readonly poll: boolean
  readonly logger: Logger
}

function fail(message: string): never {
  throw new TypeError(`@paste/reloader: ${message}`)
}

function checkMs(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max)
    fail(`${name} must be a number of ms between 0 and ${max}, got ${String(value)}`)
  return value
}

function checkWatch(value: unknown, script: string | undefined): string[] {
  if (value === undefined) {
    if (!script) fail('watch is required when there is no entry script (process.argv[1])')
    return [dirname(resolve(script))]
  }
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0)
    fail('watch must be a path or a non-empty array of paths')
  return list.map((path: unknown) => {
    if (typeof path !== 'string' || path === '' || path.includes('\0'))
      fail(`watch paths must be non-empty strings, got ${JSON.stringify(path)}`)
    const absolute = resolve(path)
    try {
      statSync(absolute)
    } catch (error) {
      fail(`watch path ${absolute} does not exist (${(error as NodeJS.ErrnoException).code})`)
    }
    return absolute
  })
}

function checkExtensions(value: unknown): readonly string[] {
  if (value === undefined) return DEFAULT_EXTENSIONS
  if (!Array.isArray(value)) fail('extensions must be an array like [".js", ".json"]')
  for (const extension of value)
    if (typeof extension !== 'string' || !/^\.[^./\\]+$/.test(extension))
      fail(`extensions must look like ".js", got ${JSON.stringify(extension)}`)
  return [...value]
}

function checkIgnore(value: unknown): readonly IgnoreRule[] {
  if (value === undefined) return DEFAULT_IGNORE
  if (!Array.isArray(value)) fail('ignore must be an array of names and RegExps')
  for (const rule of value)
    if (
      !(rule instanceof RegExp) &&
      (typeof rule !== 'string' || rule === '' || rule.includes('/'))
    )
      fail(`ignore entries are names without "/" or RegExps, got ${JSON.stringify(rule)}`)
  return [...value]
}

function checkLogger(value: unknown): Logger {
  if (value === undefined) return consoleLogger
  const logger = value as Partial<Logger> | null
  if (
    typeof logger !== 'object' ||
    logger === null ||
    !['error', 'warn', 'info', 'debug'].every(
      (level) => typeof logger[level as keyof Logger] === 'function',
    )
  )
    fail('logger must have error, warn, info and debug methods')
  return logger as Logger
}

/** Checks `options` and fills in the defaults; `script` is the entry script (process.argv[1]). */
export function resolveOptions(
  options: ReloaderOptions,
  script: string | undefined,
): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options must be an object')
  if (options.poll !== undefined && typeof options.poll !== 'boolean')
    fail('poll must be a boolean')
  return {
    watch: checkWatch(options.watch, script),
    extensions: checkExtensions(options.extensions),
    ignore: checkIgnore(options.ignore),
    debounceMs: checkMs('debounceMs', options.debounceMs, 100, 60_000),
    killTimeoutMs: checkMs('killTimeoutMs', options.killTimeoutMs, 5000, 600_000),
    poll: options.poll ?? false,
    logger: checkLogger(options.logger),
  }
}
