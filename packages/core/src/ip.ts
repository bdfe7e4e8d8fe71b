/*
 * IP addresses and CIDR networks, IPv4 and IPv6, with IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`) treated as the IPv4 address they carry.
 */

/** A parsed address: 4 bytes (IPv4) or 16 bytes (IPv6). */
export type IpBytes = Uint8Array

// IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet (RFC 3986 3.2.2)
const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/**
 * Parses an IPv4 or IPv6 address (brackets and a zone id are accepted and dropped).
 * IPv4-mapped IPv6 addresses come back as 4 bytes. Returns `null` for anything else.
 *
 * @example
 * parseIp('::ffff:127.0.0.1') // Uint8Array [127, 0, 0, 1]
 */
export function parseIp(text: string): IpBytes | null {
  if (text.length > 64) return null
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  const m = IPV4.exec(s)
  if (m) return Uint8Array.from(m.slice(1, 5).map(Number))
  const zone = s.indexOf('%')
  if (zone !== -1) s = s.slice(0, zone)
  const v6 = parseIpv6(s)
  if (v6 === null) return null
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff
  return mapped ? v6.slice(12) : v6
}

function parseIpv6(s: string): IpBytes | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return null
  const halves = s.split('::')
  if (halves.length > 2) return null
  const groups = (part: string): number[] | null => {
    if (part === '') return []
    const out: number[] = []
    const pieces = part.split(':')
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!
      if (i === pieces.length - 1 && p.includes('.')) {
        const v4 = IPV4.exec(p)
        if (!v4) return null
        const [a, b, c, d] = v4.slice(1, 5).map(Number) as [number, number, number, number]
        out.push((a << 8) | b, (c << 8) | d)
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(p)) out.push(Number.parseInt(p, 16))
      else return null
    }
    return out
  }
  const head = groups(halves[0]!)
  const tail = halves.length === 2 ? groups(halves[1]!) : []
  if (head === null || tail === null) return null
  const missing = 8 - head.length - tail.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail]
  const bytes = new Uint8Array(16)
  all.forEach((g, i) => {
    bytes[i * 2] = g >> 8
    bytes[i * 2 + 1] = g & 0xff
  })
  return bytes
}

/** A network in CIDR notation, parsed. */
export interface Cidr {
  readonly bytes: IpBytes
  readonly prefix: number
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32` or a single address (a /32 or /128 network).
 * An IPv4-mapped network (`::ffff:10.0.0.0/104`) becomes the IPv4 network it denotes.
 * Returns `null` when malformed.
 *
 * @example
 * parseCidr('192.168.0.0/16') // { bytes: [192, 168, 0, 0], prefix: 16 }
 */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/')
  const addressText = slash === -1 ? text : text.slice(0, slash)
  const raw = parseIpv6Or4Raw(addressText)
  if (raw === null) return null
  let prefix = raw.length * 8
  if (slash !== -1) {
    const p = text.slice(slash + 1)
    if (!/^\d{1,3}$/.test(p)) return null
    prefix = Number(p)
    if (prefix > raw.length * 8) return null
  }
  const bytes = parseIp(addressText)!
  if (bytes.length === 4 && raw.length === 16) {
    if (prefix < 96) return null // a mapped network wider than the mapped range
    prefix -= 96
  }
  return { bytes, prefix }
}

function parseIpv6Or4Raw(text: string): IpBytes | null {
  if (IPV4.test(text)) return parseIp(text)
  const s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  return parseIpv6(s)
}

/**
 * Tells whether an address lies inside a network (IPv4 never matches an IPv6 network
 * unless it was written as an IPv4-mapped address).
 *
 * @example
 * inCidr(parseIp('10.1.2.3')!, parseCidr('10.0.0.0/8')!) // true
 */
export function inCidr(address: IpBytes, network: Cidr): boolean {
  if (address.length !== network.bytes.length) return false
  let bits = network.prefix
  for (let i = 0; i < address.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff
    if ((address[i]! & mask) !== (network.bytes[i]! & mask)) return false
  }
  return true
}

/**
 * Builds a predicate from a list of addresses and networks. Throws a `TypeError` naming the
 * bad entry (configuration errors surface when the middleware is created).
 *
 * @example
 * const isInternal = addressMatcher(['10.0.0.0/8', '::1'])
 * isInternal('::ffff:10.0.0.7') // true
 */
export function addressMatcher(
  entries: readonly string[],
  owner = '@paste/core',
): (address: string) => boolean {
  const networks = entries.map((entry) => {
    const network = parseCidr(entry.trim())
    if (network === null) throw new TypeError(`${owner}: not an IP address or network: ${entry}`)
    return network
  })
  return (address) => {
    const bytes = parseIp(address)
    return bytes !== null && networks.some((n) => inCidr(bytes, n))
  }
}
