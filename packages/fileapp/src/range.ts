/*
 * Range header evaluation (RFC 9110 section 14).
 *
 *   Range        = ranges-specifier
 *   ranges-specifier = range-unit "=" range-set
 *   range-set    = 1#range-spec
 *   range-spec   = int-range / suffix-range / other-range
 *   int-range    = first-pos "-" [ last-pos ]
 *   suffix-range = "-" suffix-length
 *
 * The result is a plan: ignore the header (send 200), refuse it (416), or send these ranges.
 */

/** One byte range to send: `start` inclusive, `end` exclusive, both inside the representation. */
export interface ByteRange {
  start: number
  end: number
}

/** What to do with a Range header. */
export type RangePlan =
  | { readonly kind: 'ignore' }
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'ranges'; readonly ranges: readonly ByteRange[] }

/** Limits against range abuse (CVE-2011-3192, RFC 9110 section 14.2 last paragraphs). */
export interface RangeLimits {
  /** More ranges than this and the header is ignored (200). */
  maxRanges: number
  /** Whether overlapping ranges are allowed; if not, the header is ignored (200). */
  allowOverlap: boolean
}

const IGNORE: RangePlan = Object.freeze({ kind: 'ignore' })
const UNSATISFIABLE: RangePlan = Object.freeze({ kind: 'unsatisfiable' })
// range-unit "=" range-set, the unit compared case-insensitively (RFC 9110 section 14.1)
const SPECIFIER = /^\s*bytes\s*=(.*)$/is
// int-range = first-pos "-" [ last-pos ]   /   suffix-range = "-" suffix-length
const INT_RANGE = /^(\d{1,16})-(\d{0,16})$/
const SUFFIX_RANGE = /^-(\d{1,16})$/
/** A Range header longer than this is ignored outright. */
const MAX_HEADER_LENGTH = 4096

/**
 * Plans the response to a `Range` header for a representation of `size` bytes.
 * Invalid syntax, other units, too many ranges, overlapping ranges (unless allowed) and an
 * empty representation mean "ignore" (a full 200); no satisfiable range means 416.
 * Ends past the representation are clamped (RFC 9110 section 14.1.2), not refused.
 *
 * @example
 * planRanges('bytes=0-9', 100, { maxRanges: 16, allowOverlap: false })
 * // { kind: 'ranges', ranges: [{ start: 0, end: 10 }] }
 */
export function planRanges(header: string | null, size: number, limits: RangeLimits): RangePlan {
  if (header === null || header.length > MAX_HEADER_LENGTH) return IGNORE
  const spec = SPECIFIER.exec(header)
  if (!spec) return IGNORE // another unit, or not a ranges-specifier: ignore (section 14.2)
  const ranges: ByteRange[] = []
  let count = 0
  for (const raw of spec[1]!.split(',')) {
    const item = raw.trim()
    if (item === '') continue // empty list elements are allowed (section 5.6.1.2)
    if (++count > limits.maxRanges) return IGNORE
    const range = parseSpec(item, size)
    if (range === null) return IGNORE // one invalid range-spec invalidates the header
    if (range !== undefined) ranges.push(range)
  }
  if (count === 0) return IGNORE
  if (size === 0) return IGNORE // nothing to slice; send the empty representation
  if (ranges.length === 0) return UNSATISFIABLE
  if (!limits.allowOverlap && overlaps(ranges)) return IGNORE
  return { kind: 'ranges', ranges }
}

/** `null` for invalid syntax, `undefined` for a valid but unsatisfiable range. */
function parseSpec(item: string, size: number): ByteRange | null | undefined {
  const int = INT_RANGE.exec(item)
  if (int) {
    const first = Number(int[1])
    const last = int[2] === '' ? Number.POSITIVE_INFINITY : Number(int[2])
    if (last < first) return null // invalid (section 14.1.1)
    if (first >= size) return undefined
    return { start: first, end: Math.min(last + 1, size) }
  }
  const suffix = SUFFIX_RANGE.exec(item)
  if (suffix) {
    const length = Number(suffix[1])
    if (length === 0) return undefined
    return { start: Math.max(0, size - length), end: size }
  }
  return null
}

function overlaps(ranges: readonly ByteRange[]): boolean {
  if (ranges.length < 2) return false
  const sorted = [...ranges].sort((a, b) => a.start - b.start)
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.start < sorted[i - 1]!.end) return true
  return false
}
