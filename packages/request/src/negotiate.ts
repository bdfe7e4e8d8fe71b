import { type AcceptEntry, parseAccept, pickBest } from './accept.js'
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
  const ranges = mediaRanges(accept)
  if (ranges.length === 0) return available[0]
  const offers = available.map(offerOf)
  const i = pickBest(offers.length, ranges, (r, o) => mediaFitness(r.media, offers[o]!), true)
  return i === undefined ? undefined : available[i]
}

type MediaRange = AcceptEntry & { readonly media: MediaType }

// Parsed Accept headers and offers, by their text: browsers send the same few Accept
// values, and servers offer the same few types. Bounded (emptied when full); long values
// are parsed every time. Cached values are frozen: nothing downstream may change them.
const CACHE_MAX = 256
const CACHE_KEY_MAX = 1024
const rangeCache = new Map<string, readonly MediaRange[]>()
const offerCache = new Map<string, MediaType>()

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (key.length > CACHE_KEY_MAX) return value
  if (cache.size >= CACHE_MAX) cache.clear()
  cache.set(key, value)
  return value
}

function frozenMedia(media: MediaType): MediaType {
  Object.freeze(media.params)
  return Object.freeze(media)
}

function mediaRanges(accept: string | null | undefined): readonly MediaRange[] {
  if (!accept) return []
  const found = rangeCache.get(accept)
  if (found !== undefined) return found
  const ranges = parseAccept(accept)
    .filter((r) => r.value !== '')
    .map((e) => Object.freeze({ ...e, media: frozenMedia(splitMediaType(e.value, e.params)) }))
  return remember(rangeCache, accept, Object.freeze(ranges))
}

function offerOf(available: string): MediaType {
  return (
    offerCache.get(available) ?? remember(offerCache, available, frozenMedia(parseOffer(available)))
  )
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
