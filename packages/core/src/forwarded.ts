/*
 * Forwarded (RFC 7239) and X-Forwarded-* parsing, consulted only for hops the
 * application has said it trusts.
 */
import { addressMatcher, parseIp } from './ip.js'

/**
 * Which peers are trusted proxies: `false` (none, the default), `true` (all: only when the
 * server is reachable solely through a proxy), a hop count, a list of addresses, CIDR
 * networks and the names `loopback`, `private`, `linklocal`, or a predicate.
 */
export type TrustProxy =
  | boolean
  | number
  | readonly string[]
  | ((address: string, hop: number) => boolean)

const NAMED: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
}

/** What {@link compileTrust} returns when no proxy is trusted (so callers can skip the walk). */
export const TRUST_NONE: (address: string, hop: number) => boolean = () => false

/**
 * Compiles a {@link TrustProxy} setting into a predicate; throws a `TypeError` on a bad entry.
 *
 * @example
 * const trusted = compileTrust(['loopback', '10.0.0.0/8'])
 * trusted('127.0.0.1', 0) // true
 */
export function compileTrust(
  trust: TrustProxy | undefined,
): (address: string, hop: number) => boolean {
  if (trust === undefined || trust === false) return TRUST_NONE
  if (trust === true) return () => true
  if (typeof trust === 'number') {
    if (!Number.isInteger(trust) || trust < 0)
      throw new TypeError('@paste/core: trustProxy hop count must be a non-negative integer')
    return (_address, hop) => hop < trust
  }
  if (typeof trust === 'function') return trust
  const matches = addressMatcher(
    trust.flatMap((entry) => NAMED[entry] ?? [entry]),
    '@paste/core: trustProxy',
  )
  return (address) => matches(address)
}

/** One element of a Forwarded header: its parameters, names lower-cased. */
export type ForwardedElement = Record<string, string>

// forwarded-pair = token "=" value ; value = token / quoted-string  (RFC 7239 section 4)
const PAIR =
  /[ \t]*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=("(?:[^"\\]|\\.)*"|[!#$%&'*+\-.^_`|~0-9A-Za-z:[\]]*)[ \t]*([;,]|$)/y

/**
 * Parses a `Forwarded` header into its elements, left (client side) to right. Returns
 * `null` if the header is malformed, in which case it must be ignored as a whole.
 *
 * @example
 * parseForwarded('for=192.0.2.60;proto=https, for="[2001:db8::17]:4711"')
 */
export function parseForwarded(header: string): ForwardedElement[] | null {
  if (header.length > 8192) return null
  const elements: ForwardedElement[] = []
  let current: ForwardedElement = {}
  PAIR.lastIndex = 0
  while (PAIR.lastIndex < header.length) {
    const start = PAIR.lastIndex
    const m = PAIR.exec(header)
    if (!m || m.index !== start) return null
    const value = m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/\\(.)/g, '$1') : m[2]!
    current[m[1]!.toLowerCase()] = value
    if (m[3] !== ';') {
      elements.push(current)
      current = {}
    }
    if (m[3] === '') break
  }
  return elements
}

/** The address part of a `for=` value or an X-Forwarded-For entry, port and brackets dropped. */
export function nodeAddress(node: string): string {
  const s = node.trim()
  if (s.startsWith('[')) {
    const end = s.indexOf(']')
    return end === -1 ? '' : s.slice(1, end)
  }
  const colon = s.indexOf(':')
  if (colon !== -1 && s.indexOf(':', colon + 1) === -1) return s.slice(0, colon) // v4:port
  return s
}

/** What the client-side view resolves to. */
export interface ClientView {
  remoteAddress: string
  scheme: string | undefined
  host: string | undefined
}

/**
 * Walks the forwarding chain from the nearest hop outwards while hops are trusted; the
 * first untrusted hop is the client. Scheme and host come from the element written by the
 * trusted proxy that spoke to the client (Forwarded) or from the nearest proxy
 * (X-Forwarded-Proto / -Host, which proxies set rather than append).
 *
 * @example
 * const view = resolveClientView('10.0.0.2', (n) => headers.get(n), compileTrust(['private']))
 * view.remoteAddress // the first untrusted hop of X-Forwarded-For / Forwarded
 */
export function resolveClientView(
  peer: string,
  header: (name: string) => string | null | undefined,
  trusted: (address: string, hop: number) => boolean,
): ClientView {
  const view: ClientView = { remoteAddress: peer, scheme: undefined, host: undefined }
  if (!trusted(peer, 0)) return view
  const forwarded = header('forwarded')
  const elements = forwarded ? parseForwarded(forwarded) : null
  if (elements && elements.length > 0) {
    let hop = 0
    for (let i = elements.length - 1; i >= 0; i--) {
      const element = elements[i]!
      const address = nodeAddress(element.for ?? '')
      if (parseIp(address) === null) break
      view.remoteAddress = address
      view.scheme = element.proto?.toLowerCase()
      view.host = element.host
      hop++
      if (!trusted(address, hop)) break
    }
    return view
  }
  const xff = header('x-forwarded-for')
  if (xff) {
    const chain = xff.split(',').slice(-64)
    let hop = 0
    for (let i = chain.length - 1; i >= 0; i--) {
      const address = nodeAddress(chain[i]!)
      if (parseIp(address) === null) break
      view.remoteAddress = address
      hop++
      if (!trusted(address, hop)) break
    }
  }
  view.scheme = lastValue(header('x-forwarded-proto'))?.toLowerCase()
  view.host = lastValue(header('x-forwarded-host'))
  return view
}

function lastValue(header: string | null | undefined): string | undefined {
  if (!header) return undefined
  const comma = header.lastIndexOf(',')
  return (comma === -1 ? header : header.slice(comma + 1)).trim() || undefined
}
