/*
 * Content-Disposition for responses, RFC 6266 with RFC 8187 for non-ASCII names:
 *
 *   content-disposition = disposition-type *( ";" disposition-parm )
 *   disposition-parm    = filename-parm / disp-ext-parm
 *   filename-parm       = "filename" "=" value / "filename*" "=" ext-value
 *   ext-value           = charset "'" [ language ] "'" value-chars   ; UTF-8''%e2%82%ac.txt
 *
 * A name that is plain printable ASCII is sent as a quoted `filename` only; any other name
 * gets an ASCII fallback (`_` for each other character) and the exact `filename*`.
 */

/** Options for {@link contentDisposition}. */
export interface ContentDispositionOptions {
  /** `attachment` (download) or `inline` (display). @default 'attachment' */
  type?: 'attachment' | 'inline'
}

// attr-char = ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
// encodeURIComponent leaves ALPHA DIGIT - _ . ! ~ * ' ( ) as they are; of those, * ' ( ) are
// not attr-chars and are escaped too. The attr-chars it escapes (# $ & + ^ ` |) may be sent
// percent-encoded, so the result is a valid value-chars in one native pass.
const NOT_ATTR_CHAR = /[*'()]/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function encodeExtValue(value: string): string {
  // lone surrogates become U+FFFD, as TextEncoder would encode them
  const wellFormed = value.replace(LONE_SURROGATE, '\uFFFD')
  const encoded = encodeURIComponent(wellFormed).replace(
    NOT_ATTR_CHAR,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `UTF-8''${encoded}`
}

/**
 * Builds a Content-Disposition value (Paste's `CONTENT_DISPOSITION`). Directory components
 * of `filename` are removed, like Paste does; control characters become `_`.
 *
 * @example
 * contentDisposition('report.pdf')                 // 'attachment; filename="report.pdf"'
 * contentDisposition('€ rates.txt', { type: 'inline' })
 * // `inline; filename="_ rates.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt`
 */
export function contentDisposition(
  filename?: string,
  options: ContentDispositionOptions = {},
): string {
  const type = options.type ?? 'attachment'
  if (type !== 'attachment' && type !== 'inline')
    throw new TypeError(`@paste/response: contentDisposition type must be 'attachment' or 'inline'`)
  if (filename === undefined) return type
  const cut = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'))
  const base = (cut === -1 ? filename : filename.slice(cut + 1)).replace(/[\x00-\x1f\x7f]/g, '_')
  const ascii = base.replace(/[^\x20-\x7e]/gu, '_')
  const quoted = `"${ascii.replace(/["\\]/g, '\\$&')}"`
  if (ascii === base) return `${type}; filename=${quoted}`
  return `${type}; filename=${quoted}; filename*=${encodeExtValue(base)}`
}
