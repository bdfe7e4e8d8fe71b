/**
 * What replaces a redacted value.
 *
 * @example
 * report.request.headers.filter(([, value]) => value === REDACTED)
 */
export const REDACTED = '[redacted]'

/**
 * Headers that always carry credentials or session state (RFC 9110 11.6.2, 11.7.2; RFC 6265).
 *
 * @example
 * ALWAYS_REDACTED.includes('cookie') // true
 */
export const ALWAYS_REDACTED: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]

/**
 * Names that look like they hold a secret: passwords, tokens, keys, sessions, credentials,
 * signatures, CSRF values. Matched against header names, query parameter names and error
 * property names.
 *
 * @example
 * errorMiddleware({ secretPattern: new RegExp(`${DEFAULT_SECRET_PATTERN.source}|x-tenant`, 'i') })
 */
export const DEFAULT_SECRET_PATTERN =
  /pass(?:word|wd)?|secret|token|api[-_]?key|private|session|credential|signature|csrf|xsrf|auth|cookie/i

/** Decides which names are redacted. */
export interface Redactor {
  /** Whether the value under this (header, parameter or property) name is hidden. */
  isSecret(name: string): boolean
  /** The headers as `[name, value]` pairs with secret values replaced. */
  headers(headers: Headers): [string, string][]
  /** The URL with the values of secret query parameters replaced. */
  url(url: string): string
}

/**
 * Builds a {@link Redactor}: the {@link ALWAYS_REDACTED} headers, `extraHeaders`, and any
 * name matching `pattern` are hidden.
 *
 * @example
 * const redact = createRedactor(DEFAULT_SECRET_PATTERN, ['x-internal-ticket'])
 * redact.headers(request.headers) // [['authorization', '[redacted]'], ['accept', '*\/*']]
 */
export function createRedactor(pattern: RegExp, extraHeaders: readonly string[] = []): Redactor {
  const always = new Set([...ALWAYS_REDACTED, ...extraHeaders.map((h) => h.toLowerCase())])
  // a global or sticky pattern keeps lastIndex between test() calls: use a plain copy
  const plain = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
  const isSecret = (name: string) => always.has(name.toLowerCase()) || plain.test(name)
  return {
    isSecret,
    headers(headers) {
      const out: [string, string][] = []
      headers.forEach((value, name) => {
        out.push([name, isSecret(name) ? REDACTED : value])
      })
      return out
    },
    url(url) {
      const q = url.indexOf('?')
      if (q === -1) return url
      const hash = url.indexOf('#', q)
      const query = url.slice(q + 1, hash === -1 ? undefined : hash)
      const parts = query.split('&').map((pair) => {
        const eq = pair.indexOf('=')
        const raw = eq === -1 ? pair : pair.slice(0, eq)
        let name = raw
        try {
          name = decodeURIComponent(raw.replace(/\+/g, ' '))
        } catch {
          // a malformed escape: judge the raw name
        }
        return eq !== -1 && isSecret(name) ? `${raw}=${encodeURIComponent(REDACTED)}` : pair
      })
      return `${url.slice(0, q)}?${parts.join('&')}${hash === -1 ? '' : url.slice(hash)}`
    },
  }
}
