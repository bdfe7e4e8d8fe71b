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
import { parseRange } from '@paste/request'

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
/** A Range header longer than this is ignored outright. */
const MAX_HEADER_LENGTH = 4096

/**
 * Plans the response to a `Range` header for a representation of `size` bytes, on top of
 * @paste/request's `parseRange`. Invalid syntax, other units, too many ranges, overlapping
 * ranges (unless allowed) and an empty representation mean "ignore" (a full 200); no
 * satisfiable range means 416. Ends past the representation are clamped (RFC 9110 section
 * 14.1.2), not refused.
 *
 * @example
 * planRanges('bytes=0-9', 100, { maxRanges: 16, allowOverlap: false })
 * // { kind: 'ranges', ranges: [{ start: 0, end: 10 }] }
 */
export function planRanges(header: string | null, size: number, limits: RangeLimits): RangePlan {
  if (header === null || header.length > MAX_HEADER_LENGTH) return IGNORE
  const parsed = parseRange(header, size, { maxRanges: limits.maxRanges })
  // malformed, another unit, or too many ranges: ignore (section 14.2)
  if (parsed === undefined) return IGNORE
  // nothing to slice in an empty representation: send it whole
  if (size === 0) return IGNORE
  if (parsed === 'unsatisfiable') return UNSATISFIABLE
  const ranges = parsed.map((r) => ({ start: r.start, end: r.end + 1 }))
  if (!limits.allowOverlap && overlaps(ranges)) return IGNORE
  return { kind: 'ranges', ranges }
}

function overlaps(ranges: readonly ByteRange[]): boolean {
  if (ranges.length < 2) return false
  const sorted = [...ranges].sort((a, b) => a.start - b.start)
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.start < sorted[i - 1]!.end) return true
  return false
}
