/*
 * Conditional requests (RFC 9110 section 13): evaluated in the order of section 13.2.2.
 *
 *   If-Match / If-None-Match = "*" / #entity-tag
 *   entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE
 *   If-Modified-Since / If-Unmodified-Since = HTTP-date
 */
import { parseETagList } from '@paste/request'
import { parseHttpDate } from './http-date.js'

/** The validators of the selected representation. */
export interface Validators {
  /** Strong entity-tag, with its quotes. */
  etag: string
  /** Last modification, in whole seconds since the epoch. */
  lastModified: number
}

/** The outcome of the preconditions. */
export type Precondition = 'proceed' | 'not-modified' | 'failed'

/**
 * Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since against the
 * representation, in the order of RFC 9110 section 13.2.2.
 *
 * @example
 * evaluatePreconditions(request.headers, 'GET', { etag: '"a"', lastModified: 1700000000 })
 */
export function evaluatePreconditions(
  headers: Headers,
  method: string,
  validators: Validators,
): Precondition {
  const ifMatch = headers.get('if-match')
  if (ifMatch !== null) {
    // step 1: strong comparison (section 13.1.1); a malformed list matches nothing
    const list = parseETagList(ifMatch)
    if (!(list.any || list.tags.some((t) => !t.weak && t.tag === validators.etag))) return 'failed'
  } else {
    // step 2: If-Unmodified-Since, ignored when not a valid HTTP-date (section 13.1.4)
    const since = parseHttpDate(headers.get('if-unmodified-since'))
    if (since !== undefined && validators.lastModified > since) return 'failed'
  }
  const safe = method === 'GET' || method === 'HEAD'
  const ifNoneMatch = headers.get('if-none-match')
  if (ifNoneMatch !== null) {
    // the usual revalidation: exactly the ETag that was sent, nothing to parse
    if (ifNoneMatch === validators.etag) return safe ? 'not-modified' : 'failed'
    // step 3: weak comparison (section 13.1.2); malformed elements match nothing
    const list = parseETagList(ifNoneMatch)
    if (list.any || list.tags.some((t) => t.tag === validators.etag))
      return safe ? 'not-modified' : 'failed'
    return 'proceed'
  }
  if (!safe) return 'proceed'
  // step 4: If-Modified-Since only without If-None-Match, only for GET/HEAD (section 13.1.3)
  const since = parseHttpDate(headers.get('if-modified-since'))
  if (since !== undefined && validators.lastModified <= since) return 'not-modified'
  return 'proceed'
}

/**
 * Tells whether an If-Range header lets the Range header apply (RFC 9110 section 13.1.5):
 * an entity-tag must match strongly, a date must equal Last-Modified exactly.
 *
 * @example
 * ifRangeMatches('"a"', { etag: '"a"', lastModified: 0 }) // true
 */
export function ifRangeMatches(value: string | null, validators: Validators): boolean {
  if (value === null) return true
  const v = value.trim()
  if (v.startsWith('"') || v.startsWith('W/')) return v === validators.etag
  const date = parseHttpDate(v)
  return date !== undefined && date === validators.lastModified
}
