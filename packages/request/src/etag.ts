/*
 * Entity-tag lists for If-Match / If-None-Match, RFC 9110 section 8.8.3 and 13.1.1:
 *
 *   If-None-Match = "*" / #entity-tag
 *   entity-tag    = [ weak ] opaque-tag
 *   weak          = %s"W/"
 *   opaque-tag    = DQUOTE *etagc DQUOTE
 *   etagc         = %x21 / %x23-7E / obs-text
 *
 * Scanned once, left to right. Commas may occur inside an opaque-tag, so the list is not
 * split on commas first. A malformed element is skipped up to the next comma.
 */

/** One entity-tag; `tag` includes its quotes (`"abc"`). */
export interface ETag {
  weak: boolean
  tag: string
}

/** A parsed If-Match / If-None-Match header. */
export interface ETagList {
  /** The header was `*`. */
  any: boolean
  tags: ETag[]
}

/**
 * Parses an If-Match or If-None-Match header. Never throws; a missing header gives
 * `{ any: false, tags: [] }`.
 *
 * @example
 * parseETagList('W/"a", "b"') // { any: false, tags: [{ weak: true, tag: '"a"' }, { weak: false, tag: '"b"' }] }
 */
export function parseETagList(header: string | null | undefined): ETagList {
  const result: ETagList = { any: false, tags: [] }
  if (!header) return result
  if (header.trim() === '*') return { any: true, tags: [] }
  let i = 0
  const n = header.length
  while (i < n) {
    const c = header[i]!
    if (c === ' ' || c === '\t' || c === ',') {
      i++
      continue
    }
    const weak = c === 'W' && header[i + 1] === '/'
    const open = weak ? i + 2 : i
    const close = header[open] === '"' ? header.indexOf('"', open + 1) : -1
    if (close === -1) {
      // malformed element: skip to the next comma
      const comma = header.indexOf(',', i)
      if (comma === -1) break
      i = comma + 1
      continue
    }
    result.tags.push({ weak, tag: header.slice(open, close + 1) })
    i = close + 1
  }
  return result
}

/**
 * Compares two entity-tags (RFC 9110 8.8.3.2): strong comparison needs both strong and equal;
 * weak comparison only equal opaque tags.
 *
 * @example
 * etagMatches({ weak: true, tag: '"a"' }, '"a"', 'weak') // true
 */
export function etagMatches(a: ETag, b: ETag | string, mode: 'strong' | 'weak'): boolean {
  const other = typeof b === 'string' ? parseETag(b) : b
  if (!other || a.tag !== other.tag) return false
  return mode === 'weak' || (!a.weak && !other.weak)
}

/**
 * Parses one entity-tag (`W/"x"` or `"x"`), or `undefined` when malformed.
 *
 * @example
 * parseETag('W/"v1"') // { weak: true, tag: '"v1"' }
 */
export function parseETag(value: string): ETag | undefined {
  const v = value.trim()
  const weak = v.startsWith('W/')
  const tag = weak ? v.slice(2) : v
  // opaque-tag = DQUOTE *etagc DQUOTE  (etagc excludes DQUOTE, controls and space)
  if (!/^"[\x21\x23-\x7e\x80-\uffff]*"$/.test(tag)) return undefined
  return { weak, tag }
}
