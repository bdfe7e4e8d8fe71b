/**
 * Original positions for stack frames, from the source maps Node keeps when source maps are
 * enabled (`--enable-source-maps` or `process.setSourceMapsEnabled(true)`): `module.findSourceMap`
 * returns nothing otherwise, and frames stay as the runtime reported them.
 */
import { readFile, stat } from 'node:fs/promises'
import { findSourceMap } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { ReportFrame, SourceLine } from '@paste/exceptions'

const MAX_FILE_BYTES = 2 * 1024 * 1024
const MAX_LINE_CHARS = 300

/** A frame's file as a path: `file:` URLs decoded; undefined for what is not on disk. */
export function toPath(file: string | undefined): string | undefined {
  if (file === undefined) return undefined
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file)
    } catch {
      return undefined
    }
  }
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) ? file : undefined
}

async function context(
  path: string,
  line: number,
  around: number,
): Promise<SourceLine[] | undefined> {
  try {
    if ((await stat(path)).size > MAX_FILE_BYTES) return undefined
    const lines = (await readFile(path, 'utf8')).split(/\r?\n/)
    const out: SourceLine[] = []
    for (let n = Math.max(1, line - around); n <= Math.min(lines.length, line + around); n++) {
      const text = lines[n - 1] ?? ''
      out.push({
        line: n,
        text: text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text,
        current: n === line,
      })
    }
    return out
  } catch {
    return undefined
  }
}

/** A position in generated code mapped to its original one (1-based), when a map is known. */
export function mapPosition(
  file: string | undefined,
  line: number | undefined,
  column: number | undefined,
): { file: string; line: number; column: number } | undefined {
  const path = toPath(file)
  if (path === undefined || line === undefined) return undefined
  try {
    const entry = findSourceMap(path)?.findEntry(line - 1, (column ?? 1) - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined
    if (entry?.originalSource === undefined || entry.originalLine === undefined) return undefined
    return {
      file: entry.originalSource,
      line: entry.originalLine + 1,
      column: (entry.originalColumn ?? 0) + 1,
    }
  } catch {
    return undefined
  }
}

/**
 * A frame moved to its original position (and source), or the frame itself: for stacks Node
 * did not map already (an app's own `Error.prepareStackTrace`). Never throws.
 */
export async function mapFrame(frame: ReportFrame, around: number): Promise<ReportFrame> {
  if (frame.internal) return frame
  const position = mapPosition(frame.file, frame.line, frame.column)
  if (position === undefined) return frame
  try {
    const original: ReportFrame = { ...frame, ...position }
    delete original.source
    const originalPath = toPath(position.file)
    const source =
      originalPath && around > 0 ? await context(originalPath, position.line, around) : undefined
    return source ? { ...original, source } : original
  } catch {
    return frame
  }
}
