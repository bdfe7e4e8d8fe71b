/**
 * A small Accept negotiation (RFC 9110 section 12.5.1), enough to pick how an error renders.
 * `@paste/request` has the full one; this package stays dependency-free so every other
 * package can depend on it.
 *
 *   Accept       = #( media-range [ weight ] )
 *   media-range  = ( "*\/*" / ( type "/" "*" ) / ( type "/" subtype ) ) parameters
 *   weight       = OWS ";" OWS "q=" qvalue
 *
 * For each available type the most specific matching range gives its q (`q=0` excludes);
 * the highest q wins, then the more specific match, then the server's order.
 */

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/

interface Range {
  type: string
  subtype: string
  q: number
}

function parseAccept(header: string): Range[] {
  const ranges: Range[] = []
  for (const part of header.split(',')) {
    const [media = '', ...params] = part.split(';')
    const slash = media.indexOf('/')
    if (slash <= 0) continue
    const type = media.slice(0, slash).trim().toLowerCase()
    const subtype = media
      .slice(slash + 1)
      .trim()
      .toLowerCase()
    if (type === '' || subtype === '' || (type === '*' && subtype !== '*')) continue
    let q = 1
    for (const param of params) {
      const [name = '', value = ''] = param.split('=')
      if (name.trim().toLowerCase() !== 'q') continue
      const v = value.trim()
      q = QVALUE.test(v) ? Number(v) : 0
    }
    ranges.push({ type, subtype, q })
  }
  return ranges
}

function specificity(range: Range, type: string, subtype: string): number {
  if (range.type === type && range.subtype === subtype) return 3
  if (range.type === type && range.subtype === '*') return 2
  if (range.type === '*') return 1
  return 0
}

/**
 * Picks the best of `available` (lower-case `type/subtype`, server preference first) for an
 * Accept header; `undefined` when none is acceptable. A missing or empty header accepts all.
 *
 * @example
 * negotiate('application/json, text/*;q=0.5', ['text/html', 'application/json']) // 'application/json'
 */
export function negotiate(
  accept: string | null | undefined,
  available: readonly string[],
): string | undefined {
  if (accept == null || accept.trim() === '') return available[0]
  const ranges = parseAccept(accept)
  let best: string | undefined
  let bestQ = 0
  let bestSpec = 0
  for (const candidate of available) {
    const [type = '', subtype = ''] = candidate.split('/')
    let q = -1
    let spec = 0
    for (const range of ranges) {
      const s = specificity(range, type, subtype)
      if (s > spec) [spec, q] = [s, range.q]
    }
    if (spec === 0 || q <= 0) continue
    if (q > bestQ || (q === bestQ && spec > bestSpec))
      [best, bestQ, bestSpec] = [candidate, q, spec]
  }
  return best
}
