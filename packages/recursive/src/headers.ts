/**
 * Which request headers a subrequest carries. Paste copied the whole environ; here the
 * list is explicit, and headers that describe the original body, its framing, or make the
 * answer conditional or partial are never carried (RFC 9110 sections 8.6, 13.1, 14.2):
 * an error page must not answer 304 or 206 for the original request's validators.
 *
 * @example
 * recursive({ keepHeaders: [...DEFAULT_KEEP_HEADERS, 'x-request-id'] })
 */
export const DEFAULT_KEEP_HEADERS: readonly string[] = Object.freeze([
  'accept',
  'accept-language',
  'authorization',
  'cookie',
  'user-agent',
])

const NEVER_KEPT = new Set([
  'content-length',
  'content-type',
  'content-encoding',
  'content-range',
  'transfer-encoding',
  'expect',
  'host',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'range',
  'if-range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
])

// token = 1*tchar (RFC 9110 section 5.6.2)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Checks and lower-cases a keep list; throws a TypeError naming the option. */
export function checkKeepHeaders(names: readonly string[], option: string): string[] {
  if (!Array.isArray(names)) throw new TypeError(`@paste/recursive: ${option} must be an array`)
  return names.map((name) => {
    if (typeof name !== 'string' || !TOKEN.test(name))
      throw new TypeError(`@paste/recursive: ${option}: bad header name ${JSON.stringify(name)}`)
    const lower = name.toLowerCase()
    if (NEVER_KEPT.has(lower))
      throw new TypeError(`@paste/recursive: ${option}: ${lower} can never be kept on a subrequest`)
    return lower
  })
}

/** The headers of a subrequest: the kept ones from the original, then `extra`. */
export function subrequestHeaders(
  original: Headers,
  keep: readonly string[],
  extra: ConstructorParameters<typeof Headers>[0] | undefined,
): Headers {
  const headers = new Headers()
  for (const name of keep) {
    const value = original.get(name)
    if (value !== null) headers.set(name, value)
  }
  if (extra !== undefined) for (const [name, value] of new Headers(extra)) headers.set(name, value)
  return headers
}
