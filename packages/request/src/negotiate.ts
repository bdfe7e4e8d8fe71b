import { type AcceptEntry, parseAccept } from './accept.js'
import { parseParameters, trimOws } from './syntax.js'

interface MediaType {
  type: string
  subtype: string
  params: Record<string, string>
}

function splitMediaType(value: string, params: Record<string, string>): MediaType {
  // Paste's mimeparse leniency: `*` is `*/*`, `text` is `text/*`, `/plain` is `*/plain`.
  const slash = value.indexOf('/')
  const type = (slash === -1 ? value : value.slice(0, slash)) || '*'
  const subtype = (slash === -1 ? '' : value.slice(slash + 1)) || '*'
  return { type, subtype, params }
}

function parseOffer(available: string): MediaType {
  const semi = available.indexOf(';')
  const value = trimOws(semi === -1 ? available : available.slice(0, semi)).toLowerCase()
  const params = semi === -1 ? {} : (parseParameters(available.slice(semi + 1)) ?? {})
  return splitMediaType(value, params)
}

/**
 * How well a media range matches an offered type (RFC 9110 12.5.1: the most specific
 * matching range determines the quality): -1 for no match, otherwise 0 for `*\/*`, +100 for
 * a matching type, +10 for a matching subtype, +1 per matching parameter.
 */
function mediaFitness(range: MediaType, offer: MediaType): number {
  // Offers may be wildcards too (Paste's mimeparse: `image/*` offered matches `image/png`).
  if (range.type !== '*' && offer.type !== '*' && range.type !== offer.type) return -1
  if (range.subtype !== '*' && offer.subtype !== '*' && range.subtype !== offer.subtype) return -1
  let paramCount = 0
  for (const name in range.params) {
    if (offer.params[name]?.toLowerCase() !== range.params[name]!.toLowerCase()) return -1
    paramCount++
  }
  return (range.type !== '*' ? 100 : 0) + (range.subtype !== '*' ? 10 : 0) + paramCount
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
function pickBest<R extends { q: number; index: number }>(
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

/**
 * Chooses the best of the media types the server can produce for an `Accept` header
 * (RFC 9110 12.5.1). Each type gets the q of the most specific range matching it (parameters
 * must match too); `q=0` excludes; ties go to the more specific match, then the range listed
 * first, then the earlier type in `available`. A missing or empty header accepts anything
 * (the first available type is returned). Returns `undefined` when nothing is acceptable.
 *
 * @example
 * negotiateMediaType('text/*;q=0.5, application/json', ['text/html', 'application/json'])
 * // 'application/json'
 */
export function negotiateMediaType(
  accept: string | null | undefined,
  available: readonly string[],
): string | undefined {
  const entries = parseAccept(accept).filter((r) => r.value !== '')
  if (entries.length === 0) return available[0]
  const offers = available.map(parseOffer)
  const ranges = entries.map((e) => ({ ...e, media: splitMediaType(e.value, e.params) }))
  const i = pickBest(offers.length, ranges, (r, o) => mediaFitness(r.media, offers[o]!), true)
  return i === undefined ? undefined : available[i]
}

// RFC 9110 8.4.1: x-gzip and x-compress are equivalent to gzip and compress.
const ALIASES: Record<string, string> = { 'x-gzip': 'gzip', 'x-compress': 'compress' }
const canonicalCoding = (c: string) => {
  const lower = trimOws(c).toLowerCase()
  return ALIASES[lower] ?? lower
}

/**
 * Chooses a content coding for the response from an `Accept-Encoding` header (RFC 9110
 * 12.5.3). `available` lists the codings the server can produce, in its order of preference
 * (ties go to the earlier one). `identity` (no coding) is always possible: it is acceptable
 * unless excluded by `identity;q=0` or by `*;q=0` without an `identity` entry, and it ranks
 * below any acceptable listed coding unless the header weights it. A missing header yields
 * `identity` (do not encode unasked). Returns `undefined` only when identity is excluded and
 * no available coding is acceptable (the caller may send 415/406 or identity anyway).
 *
 * @example
 * negotiateEncoding('gzip, deflate, br;q=1, zstd;q=0', ['zstd', 'br', 'gzip']) // 'br'
 * negotiateEncoding(null, ['gzip'])                                           // 'identity'
 */
export function negotiateEncoding(
  acceptEncoding: string | null | undefined,
  available: readonly string[],
): string | undefined {
  if (acceptEncoding === null || acceptEncoding === undefined) return 'identity'
  const ranges = parseAccept(acceptEncoding).map((e) => ({ ...e, value: canonicalCoding(e.value) }))
  const offers = available.map(canonicalCoding)
  const hasIdentity = offers.includes('identity')
  if (!hasIdentity) offers.push('identity')
  const mentionsIdentity = ranges.some((r) => r.value === 'identity')
  const implicitIdentity = { q: 0.0001, index: Number.MAX_SAFE_INTEGER, value: 'identity' }
  const fitness = (range: { value: string }, o: number): number => {
    if (range.value === offers[o]) return 2
    return range.value === '*' ? 1 : -1
  }
  const list =
    mentionsIdentity || ranges.some((r) => r.value === '*') ? ranges : [...ranges, implicitIdentity]
  const i = pickBest(offers.length, list, fitness, false)
  if (i === undefined) return undefined
  return i < available.length ? available[i] : 'identity'
}

/**
 * How a language range matches a language tag (RFC 4647 3.3.1 basic filtering, as RFC 9110
 * 12.5.4 asks): `*` matches everything (0); a range matches a tag equal to it or starting with
 * it followed by `-` (its length, so longer ranges are more specific). As a fallback from
 * RFC 4647 lookup, a range more specific than the tag (`en-gb` for `en`) matches weakly (0.5).
 */
function languageFitness(range: string, tag: string): number {
  if (range === '*') return 0
  if (tag === range || tag.startsWith(`${range}-`)) return range.length
  if (range.startsWith(`${tag}-`)) return 0.5
  return -1
}

/**
 * Chooses the best of the languages the server has for an `Accept-Language` header (RFC 9110
 * 12.5.4, RFC 4647). Matching is case-insensitive; `q=0` excludes; ties go to the more
 * specific match, then the range listed first, then the earlier language in `available`.
 * A missing or empty header accepts anything (the first available is returned).
 *
 * @example
 * negotiateLanguage('da, en-gb;q=0.8, en;q=0.7', ['en', 'da']) // 'da'
 * negotiateLanguage('en-gb', ['fr', 'en'])                      // 'en' (lookup fallback)
 */
export function negotiateLanguage(
  acceptLanguage: string | null | undefined,
  available: readonly string[],
): string | undefined {
  const ranges: AcceptEntry[] = parseAccept(acceptLanguage).filter((r) => r.value !== '')
  if (ranges.length === 0) return available[0]
  const tags = available.map((t) => trimOws(t).toLowerCase())
  const i = pickBest(tags.length, ranges, (r, o) => languageFitness(r.value, tags[o]!), true)
  return i === undefined ? undefined : available[i]
}
