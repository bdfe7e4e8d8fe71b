/*
 * Range, RFC 9110 section 14.2:
 *
 *   Range             = ranges-specifier
 *   ranges-specifier  = range-unit "=" range-set
 *   range-set         = 1#range-spec
 *   range-spec        = int-range / suffix-range / other-range
 *   int-range         = first-pos "-" [ last-pos ]
 *   suffix-range      = "-" suffix-length
 *
 * A range whose last-pos is at or past the end is clamped to the end (RFC 9110 14.1.2), not
 * refused (paste-map.md: Paste answered 416 there). A set with no satisfiable range is
 * unsatisfiable (416); a malformed header or another unit is ignored (the full 200).
 */

/** One satisfiable byte range, inclusive on both ends. */
export interface ByteRange {
  start: number
  end: number
}

/** Options for {@link parseRange}. */
export interface ParseRangeOptions {
  /** More ranges than this and the header is ignored (RFC 9110 14.2 allows it). @default 100 */
  maxRanges?: number
}

// int-range / suffix-range, anchored, bounded digits: linear.
const SPEC = /^(\d{0,16})[ \t]*-[ \t]*(\d{0,16})$/

/**
 * Parses a Range header against a representation of `size` bytes. Returns the satisfiable
 * ranges in request order, `'unsatisfiable'` when none is (answer 416 with
 * `Content-Range: bytes *\/size`), or `undefined` when the header must be ignored (absent,
 * malformed, another unit, too many ranges). Never throws.
 *
 * @example
 * parseRange('bytes=0-99, -50', 1000) // [{ start: 0, end: 99 }, { start: 950, end: 999 }]
 * parseRange('bytes=0-5000', 1000)    // [{ start: 0, end: 999 }]
 * parseRange('bytes=2000-', 1000)     // 'unsatisfiable'
 */
export function parseRange(
  header: string | null | undefined,
  size: number,
  options: ParseRangeOptions = {},
): ByteRange[] | 'unsatisfiable' | undefined {
  if (!header) return undefined
  const eq = header.indexOf('=')
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return undefined
  const specs = header.slice(eq + 1).split(',')
  if (specs.length > (options.maxRanges ?? 100)) return undefined
  const ranges: ByteRange[] = []
  let any = false
  for (const raw of specs) {
    const spec = raw.trim()
    if (spec === '') continue
    const m = SPEC.exec(spec)
    if (!m || (m[1] === '' && m[2] === '')) return undefined
    any = true
    const range = m[1] === '' ? suffix(Number(m[2]), size) : span(Number(m[1]), m[2]!, size)
    if (range === null) return undefined
    if (range) ranges.push(range)
  }
  if (!any) return undefined
  return ranges.length > 0 ? ranges : 'unsatisfiable'
}

function suffix(length: number, size: number): ByteRange | undefined {
  if (length === 0 || size === 0) return undefined
  return { start: Math.max(0, size - length), end: size - 1 }
}

function span(first: number, lastText: string, size: number): ByteRange | undefined | null {
  const last = lastText === '' ? Number.POSITIVE_INFINITY : Number(lastText)
  if (last < first) return null // invalid int-range: the whole header is invalid
  if (first >= size) return undefined
  return { start: first, end: Math.min(last, size - 1) }
}
