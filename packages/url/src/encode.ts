/*
 * Pure encoding helpers: URL text, path segments, scheme detection, JavaScript string
 * literals. No state, no DOM, no Node API.
 */

/** Replaces lone surrogates by U+FFFD (what a UTF-8 encoder would do anyway). */
export function wellFormed(text: string): string {
  return (text as unknown as { toWellFormed(): string }).toWellFormed()
}

/*
 * URL text the caller wrote (a base URL, a fragment): every character that may stand in a
 * URL as it is stays (RFC 3986 unreserved and reserved characters, and `%` when it starts a
 * `%XX` escape); everything else (controls, space, `"<>\^`{|}`, non-ASCII, a stray `%`) is
 * percent-encoded as UTF-8. `\` matters: browsers read it as `/` in http(s) URLs.
 */
const NOT_URL_TEXT = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/g

/** Percent-encodes what cannot stand in a URL as it is; keeps valid `%XX` escapes. */
export function encodeUrlText(text: string): string {
  return wellFormed(text).replace(NOT_URL_TEXT, (match) =>
    match === '%' ? '%25' : encodeURIComponent(match),
  )
}

/**
 * One path segment, percent-encoded (everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`), so a
 * segment can never add a `/`, `?`, `#` or `%` escape of its own.
 */
export function encodeSegment(segment: string): string {
  return encodeURIComponent(wellFormed(segment))
}

/*
 * The scheme a browser would see (WHATWG URL parsing): leading C0 controls and spaces are
 * stripped and tabs and newlines removed anywhere before the scheme is read, so
 * ` java\tscript:` is `javascript:`. scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
 */
const LEADING_C0 = /^[\u0000-\u0020]+/
const TAB_NEWLINE = /[\t\n\r]/g
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/

/** The lower-cased scheme a browser would read from `url`, or `undefined` for a relative URL. */
export function schemeOf(url: string): string | undefined {
  const seen = url.replace(LEADING_C0, '').replace(TAB_NEWLINE, '')
  return SCHEME.exec(seen)?.[1]?.toLowerCase()
}

/** Schemes that run code or carry a document when a link is followed or a source loaded. */
export const UNSAFE_SCHEMES = ['javascript', 'vbscript', 'data'] as const

/** One of {@link UNSAFE_SCHEMES}. */
export type UnsafeScheme = (typeof UNSAFE_SCHEMES)[number]

/**
 * Throws a `TypeError` when `url` has a scheme from {@link UNSAFE_SCHEMES} not in `allowed`.
 * The message does not repeat the URL (it may be hostile, and long).
 */
export function checkScheme(url: string, allowed: readonly string[], where: string): void {
  const scheme = schemeOf(url)
  if (scheme === undefined || !(UNSAFE_SCHEMES as readonly string[]).includes(scheme)) return
  if (allowed.includes(scheme)) return
  throw new TypeError(
    `@paste/url: refusing a ${scheme}: URL in ${where} (allow it explicitly with allowSchemes: ['${scheme}'])`,
  )
}

const JS_UNSAFE = /[<>&\u2028\u2029]/g

/**
 * A JavaScript string literal for `value` (JSON), with `<`, `>`, `&`, U+2028 and U+2029 as
 * `\uXXXX` escapes, so the literal stays inert inside a `<script>` block too. Lone
 * surrogates come out as `\uDXXX` escapes (well-formed JSON.stringify).
 */
export function jsString(value: string): string {
  return JSON.stringify(value).replace(
    JS_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** Decodes `%XX` escapes; a malformed escape leaves the text as it was (Paste's `unquote`). */
export function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
