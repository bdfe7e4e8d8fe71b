import { normalizePath } from '@paste/core'

/**
 * A parsed mount key: which requests an entry answers.
 * `host` is lower-case without a trailing dot; `*.example.com` is kept as the wildcard
 * suffix `.example.com` in `suffix`. `path` is normalised, `''` or `/x` (no trailing slash).
 */
export interface MountKey {
  /** An exact host name (`example.com`), or undefined for any host. */
  host: string | undefined
  /** For `*.example.com`: `.example.com` (any subdomain, not the bare domain). */
  suffix: string | undefined
  /** A port that must match too (`8080`), or undefined for any port. */
  port: string | undefined
  /** The path prefix: `''` or `/x`, normalised, without trailing slash. */
  path: string
}

// host name = 1*( ALPHA / DIGIT / "-" / "_" / "." ) or an IP-literal (RFC 3986 section 3.2.2)
const HOST_NAME = /^(?:\[[0-9a-f:.]{2,45}\]|[a-z0-9_](?:[a-z0-9\-._]{0,252}))$/
// port = 1*5DIGIT, 1-65535
const PORT = /^[0-9]{1,5}$/
// absolute-URL form of a key: "http://" / "https://" authority [ path ]
const URL_KEY = /^https?:\/\/([^/?#]*)(\/[^?#]*)?$/i

function badKey(key: string, why: string): TypeError {
  return new TypeError(`@paste/urlmap: bad mount ${JSON.stringify(key)}: ${why}`)
}

function parseHost(key: string, host: string): Pick<MountKey, 'host' | 'suffix'> {
  let h = host.toLowerCase()
  if (h.endsWith('.')) h = h.slice(0, -1)
  const wildcard = h.startsWith('*.')
  if (wildcard) h = h.slice(2)
  if (!HOST_NAME.test(h)) throw badKey(key, `invalid domain ${JSON.stringify(host)}`)
  return wildcard ? { host: undefined, suffix: `.${h}` } : { host: h, suffix: undefined }
}

function parsePort(key: string, port: string): string {
  const n = Number(port)
  if (!PORT.test(port) || n < 1 || n > 65535)
    throw badKey(key, `invalid port ${JSON.stringify(port)}`)
  return String(n)
}

function parsePath(key: string, path: string): string {
  if (path === '' || path === '/') return ''
  const normal = normalizePath(path)
  if (normal === null) throw badKey(key, 'paths must start with / and be well formed')
  return normal.endsWith('/') ? normal.slice(0, -1) : normal
}

function splitAuthority(key: string, authority: string): [host: string, port: string | undefined] {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(authority)
  if (!m || m[1] === '') throw badKey(key, 'missing domain')
  return [m[1]!, m[2]]
}

/**
 * Parses a Paste path expression (`paste.urlmap.parse_path_expression`): words `domain
 * <name>`, `port <n>` and one path, in any order. A port needs a domain.
 *
 * @example
 * parsePathExpression('domain example.com port 8080 /admin')
 * // { host: 'example.com', suffix: undefined, port: '8080', path: '/admin' }
 */
export function parsePathExpression(expression: string): MountKey {
  const words = expression.trim().split(/\s+/)
  let domain: string | undefined
  let port: string | undefined
  let path: string | undefined
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    if (word === 'domain' || word === 'port') {
      const value = words[++i]
      if (value === undefined) throw badKey(expression, `'${word}' must be followed by a value`)
      if ((word === 'domain' ? domain : port) !== undefined)
        throw badKey(expression, `'${word}' given twice`)
      if (word === 'domain') domain = value
      else port = value
    } else if (path === undefined) path = word
    else throw badKey(expression, `more than one path (${path}, ${word})`)
  }
  if (port !== undefined && domain === undefined) throw badKey(expression, 'a port needs a domain')
  return {
    ...(domain === undefined
      ? { host: undefined, suffix: undefined }
      : parseHost(expression, domain)),
    port: port === undefined ? undefined : parsePort(expression, port),
    path: parsePath(expression, path ?? ''),
  }
}

/**
 * Parses a mount key: a path (`/blog`, `''` or `/` for the root), an absolute URL
 * (`http://example.com:8080/admin`; the scheme is not matched, as in Paste) or a Paste path
 * expression (`domain example.com port 8080 /admin`). Throws a `TypeError` naming the key.
 *
 * @example
 * parseMountKey('http://*.example.com/api') // { host: undefined, suffix: '.example.com', port: undefined, path: '/api' }
 */
export function parseMountKey(key: string): MountKey {
  if (typeof key !== 'string') throw new TypeError('@paste/urlmap: mount keys must be strings')
  const url = URL_KEY.exec(key)
  if (url) {
    const [host, port] = splitAuthority(key, url[1]!)
    return {
      ...parseHost(key, host),
      port: port === undefined ? undefined : parsePort(key, port),
      path: parsePath(key, url[2] ?? ''),
    }
  }
  // a Paste path expression: the words `domain` / `port` among whitespace-separated words
  if (/(?:^|\s)(?:domain|port)(?:\s|$)/.test(key)) return parsePathExpression(key)
  if (key !== '' && key[0] !== '/')
    throw badKey(
      key,
      'paths must start with / (or use http://domain/path, or "domain d port p /path")',
    )
  return { host: undefined, suffix: undefined, port: undefined, path: parsePath(key, key) }
}

/** The canonical text of a key (`/blog`, `http://example.com:8080/admin`, `http://*.x.org/`). */
export function formatMountKey(key: MountKey): string {
  const domain = key.host ?? (key.suffix === undefined ? undefined : `*${key.suffix}`)
  if (domain === undefined) return key.path === '' ? '/' : key.path
  return `http://${domain}${key.port === undefined ? '' : `:${key.port}`}${key.path || '/'}`
}
