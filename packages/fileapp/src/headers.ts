/*
 * Response header builders: Cache-Control (RFC 9111 section 5.2.2), Expires (section 5.3)
 * and Content-Disposition (RFC 6266, with RFC 8187 `filename*` for non-ASCII names).
 */

/** Cache-Control response directives (RFC 9111 section 5.2.2). */
export interface CacheControlOptions {
  /** `public`. @default true unless `private` */
  public?: boolean
  /** `private`. @default false */
  private?: boolean
  /** `no-cache`. @default false */
  noCache?: boolean
  /** `no-store`. @default false */
  noStore?: boolean
  /** `no-transform` (also stops `@paste/gzip`). @default false */
  noTransform?: boolean
  /** `must-revalidate`. @default false */
  mustRevalidate?: boolean
  /** `max-age` in seconds; also sets Expires. */
  maxAge?: number
  /** `s-maxage` in seconds. */
  sMaxage?: number
  /** `immutable` (RFC 8246). @default false */
  immutable?: boolean
}

/** How a response is offered for download (RFC 6266). */
export interface DispositionOptions {
  /** `attachment` (save) or `inline` (show). @default 'attachment' */
  type?: 'attachment' | 'inline'
  /** The suggested file name; directories are dropped (`/a/b.txt` is `b.txt`). */
  filename?: string
}

/** Cache-Control value and how Expires follows it: seconds ahead, or `'past'`. */
export interface CachePolicy {
  cacheControl: string
  expires: number | 'past' | undefined
}

const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

function seconds(pkg: string, name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || value < 0)
    throw new TypeError(`${pkg}: cacheControl.${name} must be a whole number of seconds >= 0`)
  return value
}

/**
 * Builds the Cache-Control value and the Expires policy (as Paste's `cache_control()`:
 * Expires is `max-age` ahead, or in the past for private, no-cache and no-store responses).
 *
 * @example
 * cachePolicy({ maxAge: 60 }, '@paste/fileapp') // { cacheControl: 'public, max-age=60', expires: 60 }
 */
export function cachePolicy(options: string | CacheControlOptions, pkg: string): CachePolicy {
  if (typeof options === 'string') {
    if (!FIELD_VALUE.test(options))
      throw new TypeError(`${pkg}: cacheControl has invalid characters`)
    return { cacheControl: options, expires: undefined }
  }
  const maxAge = seconds(pkg, 'maxAge', options.maxAge)
  const sMaxage = seconds(pkg, 'sMaxage', options.sMaxage)
  if (options.public && options.private)
    throw new TypeError(`${pkg}: cacheControl cannot be both public and private`)
  const parts: string[] = [options.private ? 'private' : 'public']
  if (options.noCache) parts.push('no-cache')
  if (options.noStore) parts.push('no-store')
  if (options.noTransform) parts.push('no-transform')
  if (options.mustRevalidate) parts.push('must-revalidate')
  if (maxAge !== undefined) parts.push(`max-age=${maxAge}`)
  if (sMaxage !== undefined) parts.push(`s-maxage=${sMaxage}`)
  if (options.immutable) parts.push('immutable')
  const uncacheable = options.private || options.noCache || options.noStore
  return {
    cacheControl: parts.join(', '),
    expires: uncacheable ? 'past' : maxAge,
  }
}

/**
 * Builds a Content-Disposition value (RFC 6266 section 4.1): an ASCII `filename` and, for
 * names outside printable ASCII, an RFC 8187 `filename*`.
 *
 * @example
 * contentDisposition({ filename: 'résumé.pdf' }, '@paste/fileapp')
 * // `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`
 */
export function contentDisposition(options: DispositionOptions, pkg: string): string {
  const type = options.type ?? 'attachment'
  if (type !== 'attachment' && type !== 'inline')
    throw new TypeError(`${pkg}: disposition.type must be 'attachment' or 'inline'`)
  if (options.filename === undefined) return type
  const name = options.filename.split(/[/\\]/).pop() ?? ''
  if (name === '' || /[\x00-\x1f\x7f]/.test(name))
    throw new TypeError(
      `${pkg}: disposition.filename must be a file name without control characters`,
    )
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&')
  const value = `${type}; filename="${ascii}"`
  if (/^[\x20-\x7e]*$/.test(name)) return value
  // ext-value = charset "'" [ language ] "'" value-chars   (RFC 8187 section 3.2.1)
  const encoded = encodeURIComponent(name).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `${value}; filename*=UTF-8''${encoded}`
}
