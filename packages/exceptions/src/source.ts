/**
 * Source context for stack frames, read from the files where the runtime has a file system.
 * `node:fs/promises` is imported lazily, on the first error only, and only when the runtime
 * looks like Node (or Deno / Bun, which provide it): on Workers and in browsers the import
 * is never attempted and frames simply carry no source.
 */
import type { StackFrame } from './stack.js'

/** One line of source around a frame. */
export interface SourceLine {
  /** 1-based line number. */
  line: number
  /** The text of the line (without its line break). */
  text: string
  /** Whether this is the frame's own line. */
  current: boolean
}

type ReadFile = (path: string) => Promise<string>

/** Files larger than this are not read for context. */
const MAX_FILE_BYTES = 2 * 1024 * 1024
/** Lines longer than this are cut (minified bundles). */
const MAX_LINE_CHARS = 300

let reader: Promise<ReadFile | undefined> | undefined

function hasFileSystem(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown }
  return typeof g.process?.versions?.node === 'string' || g.Deno !== undefined
}

async function loadReader(): Promise<ReadFile | undefined> {
  if (!hasFileSystem()) return undefined
  try {
    // a variable specifier keeps bundlers for fs-less targets from resolving it
    const specifier = 'node:fs/promises'
    const fs = (await import(/* @vite-ignore */ specifier)) as typeof import('node:fs/promises')
    return async (path) => {
      const info = await fs.stat(path)
      if (!info.isFile() || info.size > MAX_FILE_BYTES) throw new Error('not a readable file')
      return fs.readFile(path, 'utf8')
    }
  } catch {
    return undefined
  }
}

/** A path for a frame's file: a `file:` URL decoded, anything else not on disk skipped. */
export function framePath(file: string | undefined): string | undefined {
  if (file === undefined) return undefined
  if (file.startsWith('file://')) {
    try {
      const url = new URL(file)
      const path = decodeURIComponent(url.pathname)
      // file:///C:/x on Windows
      return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path
    } catch {
      return undefined
    }
  }
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) ? file : undefined
}

/** The lines `context` either side of `line` in `text`, cut to a readable length. */
export function sliceLines(text: string, line: number, context: number): SourceLine[] {
  const lines = text.split(/\r?\n/)
  const first = Math.max(1, line - context)
  const last = Math.min(lines.length, line + context)
  const out: SourceLine[] = []
  for (let n = first; n <= last; n++) {
    const raw = lines[n - 1] ?? ''
    const cut = raw.length > MAX_LINE_CHARS ? `${raw.slice(0, MAX_LINE_CHARS)}…` : raw
    out.push({ line: n, text: cut, current: n === line })
  }
  return out
}

/**
 * Reads `context` lines either side of each frame's line, for application frames only (not
 * runtime internals nor dependencies), each file once (per `files` cache). Returns one entry per frame (undefined
 * where no source is available). Never throws.
 */
export async function readSourceContext(
  frames: readonly StackFrame[],
  context: number,
  files: Map<string, Promise<string | undefined>> = new Map(),
): Promise<(SourceLine[] | undefined)[]> {
  if (context <= 0 || frames.length === 0) return frames.map(() => undefined)
  reader ??= loadReader()
  const read = await reader
  if (!read) return frames.map(() => undefined)
  return Promise.all(
    frames.map(async (frame) => {
      const path = framePath(frame.file)
      if (path === undefined || frame.line === undefined || frame.internal || frame.dependency)
        return undefined
      if (!files.has(path))
        files.set(
          path,
          read(path).catch(() => undefined),
        )
      const text = await files.get(path)
      return text === undefined ? undefined : sliceLines(text, frame.line, context)
    }),
  )
}
