/*
 * Pure header decisions for @paste/gzip.
 *
 *   Cache-Control = #cache-directive                 ; RFC 9111 section 5.2
 *   media-type    = type "/" subtype parameters      ; RFC 9110 section 8.3.1
 */

// Types worth compressing: text, the structured-syntax suffixes, scripts, SVG, fonts without
// their own compression. Images, audio, video and archives are compressed already.
const COMPRESSIBLE =
  /^(?:text\/[^;]+|application\/(?:json|javascript|ecmascript|x-javascript|xml|xhtml\+xml|rss\+xml|atom\+xml|ld\+json|manifest\+json|geo\+json|graphql-response\+json|wasm|x-www-form-urlencoded|vnd\.ms-fontobject)|image\/(?:svg\+xml|x-icon|vnd\.microsoft\.icon|bmp)|font\/(?:ttf|otf)|[a-z0-9.+-]+\/[a-z0-9.-]+\+(?:json|xml))\s*(?:;|$)/i

/**
 * The default filter: whether a Content-Type is worth compressing.
 *
 * @example
 * compressibleType('text/html; charset=utf-8') // true
 * compressibleType('image/png')                // false
 */
export function compressibleType(contentType: string | null): boolean {
  return contentType !== null && COMPRESSIBLE.test(contentType.trim())
}

/** Whether Cache-Control carries `no-transform` (RFC 9111 section 5.2.2.6). */
export function hasNoTransform(cacheControl: string | null): boolean {
  return cacheControl !== null && /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(cacheControl)
}

/**
 * A strong entity-tag becomes weak: the encoded bytes differ from the identity ones, so the
 * tag can no longer promise byte equality (RFC 9110 section 8.8.3).
 *
 * @example
 * weakenETag('"abc"') // 'W/"abc"'
 */
export function weakenETag(etag: string): string {
  return etag.startsWith('"') ? `W/${etag}` : etag
}
