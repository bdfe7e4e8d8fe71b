/*
 * mod_auth_tkt tickets, as Apache's mod_auth_tkt and Python Paste write them:
 *
 *   ticket  = digest timestamp(8 lower-case hex) quoted-userid "!" [ tokens "!" ] user-data
 *   digest0 = H( ip(4 bytes) || timestamp(4 bytes, big-endian) || secret || userid
 *                || NUL || tokens || NUL || user-data )                      (hex)
 *   digest  = H( digest0 || secret )                                       (hex)
 *
 * H is MD5, SHA-256 or SHA-512. The user id is URL-quoted in the ticket (Paste) and digested
 * unquoted. IPv4-mapped IPv6 addresses count as the IPv4 address they carry. A plain IPv6
 * client (which mod_auth_tkt cannot bind to) is bound to its 16 address bytes instead of 4.
 */

import { md5, toHex } from '@paste/auth-digest'
import { parseIp, timingSafeEqual } from '@paste/core'

/** The digest algorithms mod_auth_tkt supports (`TKTAuthDigestType`). */
export type TicketDigest = 'md5' | 'sha256' | 'sha512'

/** What a ticket says. */
export interface TicketFields {
  /** The user id (unquoted). */
  userid: string
  /** Roles or groups (`REMOTE_USER_TOKENS`). */
  tokens: readonly string[]
  /** Free-form data (`REMOTE_USER_DATA`). */
  userData: string
  /** When the ticket was issued, in seconds since the epoch. */
  time: number
}

/** The inputs of {@link createTicket}. */
export interface CreateTicketInput extends Partial<Omit<TicketFields, 'userid'>> {
  secret: string
  userid: string
  /** The client address the ticket is bound to; `0.0.0.0` when IPs are ignored. */
  ip: string
  /** @default 'md5' (mod_auth_tkt's default) */
  digest?: TicketDigest
}

const encoder = new TextEncoder()
const HEX_LENGTH: Record<TicketDigest, number> = { md5: 32, sha256: 64, sha512: 128 }
// tokens are listed with commas between them; a token holds neither "," nor "!"
const TOKEN = /^[^,!\u0000-\u001f\u007f]+$/

async function hashHex(digest: TicketDigest, data: Uint8Array): Promise<string> {
  if (digest === 'md5') return md5(data)
  const name = digest === 'sha256' ? 'SHA-256' : 'SHA-512'
  return toHex(new Uint8Array(await crypto.subtle.digest(name, data as Uint8Array<ArrayBuffer>)))
}

function concat(parts: readonly (Uint8Array | string)[]): Uint8Array {
  const bytes = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p))
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0))
  let offset = 0
  for (const b of bytes) out.set(b, (offset += b.length) - b.length)
  return out
}

/**
 * The digest of a ticket (hex), or `undefined` if `ip` is not an IP address.
 *
 * @example
 * await ticketDigest(secret, { userid: 'alice', tokens: 'editor', userData: '', time }, '127.0.0.1', 'sha256')
 */
export async function ticketDigest(
  secret: string,
  fields: Omit<TicketFields, 'tokens'> & { tokens: string },
  ip: string,
  digest: TicketDigest,
): Promise<string | undefined> {
  const address = parseIp(ip)
  if (
    address === null ||
    !Number.isInteger(fields.time) ||
    fields.time < 0 ||
    fields.time > 0xffffffff
  )
    return undefined
  const stamp = new Uint8Array(4)
  new DataView(stamp.buffer).setUint32(0, fields.time)
  const zero = new Uint8Array(1)
  const inner = await hashHex(
    digest,
    concat([address, stamp, secret, fields.userid, zero, fields.tokens, zero, fields.userData]),
  )
  return hashHex(digest, concat([inner, secret]))
}

/**
 * URL-quotes like Python's `urllib.parse.quote` (safe: letters, digits, `_.-~/`).
 *
 * @example
 * quoteUserid('jane doe@example.com') // 'jane%20doe%40example.com'
 */
export function quoteUserid(userid: string): string {
  let out = ''
  for (const byte of encoder.encode(userid)) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9_.\-~/]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/**
 * Throws a `TypeError` if a ticket for these values could not round-trip through
 * mod_auth_tkt's format (see {@link createTicket}); used to fail early, in the login page.
 *
 * @example
 * checkTicketInput('alice', ['editor'], '', '127.0.0.1')
 */
export function checkTicketInput(
  userid: string,
  tokens: readonly string[],
  userData: string,
  ip: string,
): void {
  const fail = (message: string): never => {
    throw new TypeError(`@paste/auth-tkt: ${message}`)
  }
  if (typeof userid !== 'string' || userid === '') fail('userid must be a non-empty string')
  if (!tokens.every((t) => TOKEN.test(t)))
    fail('a token must not contain "," "!" or control characters')
  if (/[\u0000-\u001f\u007f]/.test(userData)) fail('userData must not contain control characters')
  // mod_auth_tkt and Paste strip a trailing quote from tickets, so it could not round-trip
  if (userData.endsWith('"')) fail('userData must not end with a double quote')
  if (tokens.length === 0 && userData.includes('!'))
    fail('userData may contain "!" only when there are tokens')
  if (parseIp(ip) === null)
    fail(
      `not an IP address: ${JSON.stringify(ip)} (the server must report the client address, or set includeIp: false)`,
    )
}

/**
 * The length of a ticket's base64 cookie value, known before the ticket is made (so a
 * login can refuse a ticket browsers would drop).
 *
 * @example
 * cookieValueLength('alice', ['editor'], '', 'sha256') // 112
 */
export function cookieValueLength(
  userid: string,
  tokens: readonly string[],
  userData: string,
  digest: TicketDigest,
): number {
  const joined = tokens.join(',')
  const bytes =
    HEX_LENGTH[digest] +
    8 +
    quoteUserid(userid).length +
    1 +
    (joined ? encoder.encode(joined).length + 1 : 0) +
    encoder.encode(userData).length
  return 4 * Math.ceil(bytes / 3)
}

/**
 * Creates a ticket (the cookie value before base64), exactly as mod_auth_tkt and Paste do.
 * Throws a `TypeError` for input that cannot round-trip (a bad IP, a token with `,` or `!`,
 * user data with `!` but no tokens or ending with `"`, control characters).
 *
 * @example
 * await createTicket({ secret, userid: 'alice', ip: '127.0.0.1', tokens: ['editor'], digest: 'sha256' })
 */
export async function createTicket(input: CreateTicketInput): Promise<string> {
  const tokens = input.tokens ?? []
  const userData = input.userData ?? ''
  const digest = input.digest ?? 'md5'
  const time = input.time ?? Math.floor(Date.now() / 1000)
  checkTicketInput(input.userid, tokens, userData, input.ip)
  const joined = tokens.join(',')
  const hash = await ticketDigest(
    input.secret,
    { userid: input.userid, tokens: joined, userData, time },
    input.ip,
    digest,
  )
  if (hash === undefined)
    throw new TypeError(`@paste/auth-tkt: not an IP address or time: ${input.ip} ${time}`)
  const stamp = time.toString(16).padStart(8, '0')
  return `${hash}${stamp}${quoteUserid(input.userid)}!${joined ? `${joined}!` : ''}${userData}`
}

function unquote(text: string): string | undefined {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

/**
 * Parses and verifies a ticket for a client address. Returns its fields, or `undefined` for
 * anything that is not a ticket signed with `secret` for `ip` (never throws). The timeout
 * is checked by the caller. A ticket whose user id was digested in its quoted form (how
 * mod_auth_tkt itself refreshes tickets) is accepted too.
 *
 * @example
 * const fields = await parseTicket(secret, ticket, '127.0.0.1', 'sha256')
 */
export async function parseTicket(
  secret: string,
  ticket: string,
  ip: string,
  digest: TicketDigest = 'md5',
): Promise<TicketFields | undefined> {
  const size = HEX_LENGTH[digest]
  const text = ticket.replace(/^"|"$/g, '') // "for some reason tickets sometimes come in quoted"
  const given = text.slice(0, size)
  const stamp = text.slice(size, size + 8)
  if (!/^[0-9a-f]+$/i.test(given) || given.length !== size || !/^[0-9a-fA-F]{8}$/.test(stamp))
    return undefined
  const rest = text.slice(size + 8)
  const bang = rest.indexOf('!')
  if (bang === -1) return undefined // the user id is always followed by "!"
  const quoted = rest.slice(0, bang)
  const data = rest.slice(bang + 1)
  const second = data.indexOf('!')
  const tokens = second === -1 ? '' : data.slice(0, second)
  const userData = second === -1 ? data : data.slice(second + 1)
  const userid = unquote(quoted)
  if (!userid) return undefined
  const time = Number.parseInt(stamp, 16)
  const fields = { userid, tokens, userData, time }
  const expected = await ticketDigest(secret, fields, ip, digest)
  let ok = expected !== undefined && timingSafeEqual(expected, given.toLowerCase())
  if (!ok && quoted !== userid) {
    const raw = await ticketDigest(secret, { ...fields, userid: quoted }, ip, digest)
    ok = raw !== undefined && timingSafeEqual(raw, given.toLowerCase())
  }
  if (!ok) return undefined
  return { userid, tokens: tokens === '' ? [] : tokens.split(','), userData, time }
}
