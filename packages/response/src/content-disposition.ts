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
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/

const encoder = new TextEncoder()

function encodeExtValue(value: string): string {
  let out = "UTF-8''"
  for (const char of value) {
    if (ATTR_CHAR.test(char)) out += char
    else
      for (const byte of encoder.encode(char))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
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
