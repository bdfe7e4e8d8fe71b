import { parseAccept, pickBest } from './accept.js'
import { trimOws } from './syntax.js'

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
