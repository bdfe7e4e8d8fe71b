import { parseParameters, splitList, trimOws } from './syntax.js'

/*
 * The Accept-* request headers, RFC 9110 section 12.4 and 12.5:
 *
 *   Accept          = #( media-range [ weight ] )
 *   media-range     = ( "*\/*" / ( type "/" "*" ) / ( type "/" subtype ) ) parameters
 *   Accept-Encoding = #( codings [ weight ] )
 *   Accept-Language = #( language-range [ weight ] )
 *   weight          = OWS ";" OWS "q=" qvalue
 *   qvalue          = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 *
 * Parsed leniently, following Paste's mimeparse: a missing, malformed or out-of-range q
 * counts as 1; `*` alone means `*\/*`, `text` means `text/*`. Elements that are not
 * recognisable at all are dropped. Only the first 1000 elements are read (real headers have
 * a few dozen): a hostile header cannot make negotiation cost more than that.
 */

/** The most elements of an Accept-* header that are read. */
export const MAX_ACCEPT_ELEMENTS = 1000

/** One element of an Accept-* header. */
export interface AcceptEntry {
  /** The media range, coding or language range, lower-cased (`text/html`, `gzip`, `en-gb`). */
  value: string
  /** Parameters other than `q` (names lower-cased), e.g. `{ level: '1' }`. */
  params: Record<string, string>
  /** The weight, 0 to 1 (0 means "not acceptable"). */
  q: number
  /** Position in the header (0-based), for stable tie-breaking. */
  index: number
}

// A lenient decimal for q (digits, optional fraction): linear, no nested quantifiers.
const DECIMAL = /^(?:\d{1,10}(?:\.\d{0,10})?|\.\d{1,10})$/

function parseQ(raw: string | undefined): number {
  if (raw === undefined || !DECIMAL.test(raw)) return 1
  const q = Number(raw)
  return q >= 0 && q <= 1 ? q : 1
}

/**
 * Parses an Accept, Accept-Encoding, Accept-Charset or Accept-Language header into its
 * elements, sorted by q (highest first, header order among equals). Elements with `q=0` are
 * kept: they say what is *not* acceptable. At most {@link MAX_ACCEPT_ELEMENTS} elements are
 * read. Never throws; returns `[]` for a missing header.
 *
 * @example
 * parseAccept('text/html;level=1, *\/*;q=0.1')
 * // [{ value: 'text/html', params: { level: '1' }, q: 1, index: 0 },
 * //  { value: '*\/*', params: {}, q: 0.1, index: 1 }]
 */
export function parseAccept(header: string | null | undefined): AcceptEntry[] {
  if (!header) return []
  const entries: AcceptEntry[] = []
  for (const element of splitList(header, ',', MAX_ACCEPT_ELEMENTS)) {
    const semi = element.indexOf(';')
    const value = trimOws(semi === -1 ? element : element.slice(0, semi)).toLowerCase()
    const params = semi === -1 ? {} : (parseParameters(element.slice(semi + 1)) ?? {})
    const q = parseQ(params.q)
    delete params.q
    entries.push({ value, params, q, index: entries.length })
  }
  return entries.sort((a, b) => b.q - a.q || a.index - b.index)
}

interface Scored {
  q: number
  specificity: number
  index: number
  position: number
}

/**
 * Scores each offer by its most specific matching range and returns the position of the best
 * offer with q > 0. `byHeader`: ties go to the range listed first before the offer order.
 */
export function pickBest<R extends { q: number; index: number }>(
  offerCount: number,
  ranges: readonly R[],
  fitness: (range: R, offer: number) => number,
  byHeader: boolean,
): number | undefined {
  let best: Scored | undefined
  for (let position = 0; position < offerCount; position++) {
    let match: Scored | undefined
    for (const range of ranges) {
      const specificity = fitness(range, position)
      if (specificity < 0) continue
      if (!match || specificity > match.specificity)
        match = { q: range.q, specificity, index: range.index, position }
    }
    if (!match || match.q <= 0) continue
    if (!best || better(match, best, byHeader)) best = match
  }
  return best?.position
}

function better(a: Scored, b: Scored, byHeader: boolean): boolean {
  if (a.q !== b.q) return a.q > b.q
  if (!byHeader) return a.position < b.position
  if (a.specificity !== b.specificity) return a.specificity > b.specificity
  if (a.index !== b.index) return a.index < b.index
  return a.position < b.position
}
