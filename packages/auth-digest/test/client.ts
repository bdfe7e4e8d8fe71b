// A minimal RFC 7616 client for tests (not part of the package: excluded from the build).
import { createHash, randomBytes } from 'node:crypto'
import { parseDigestParams } from '../src/params.js'

const HASHES: Record<string, string> = {
  MD5: 'md5',
  'SHA-256': 'sha256',
  'SHA-512-256': 'sha512-256',
}

/** Splits a combined WWW-Authenticate value into its Digest challenges. */
export function challenges(response: Response): Map<string, string>[] {
  const value = response.headers.get('www-authenticate') ?? ''
  return value
    .split(/, (?=Digest )/)
    .map((c) => parseDigestParams(c))
    .filter((c): c is Map<string, string> => c !== undefined)
}

export interface ClientOptions {
  user: string
  password: string
  method?: string
  uri: string
  nc?: number
  cnonce?: string
  qop?: string
  body?: string
  userhash?: boolean
  algorithm?: string
}

/** Builds the Authorization header answering a challenge. */
export function authorization(challenge: Map<string, string>, o: ClientOptions): string {
  const algorithm = o.algorithm ?? challenge.get('algorithm') ?? 'MD5'
  const hashName = HASHES[algorithm.replace(/-sess$/, '')]!
  const H = (s: string) => createHash(hashName).update(s, 'utf8').digest('hex')
  const realm = challenge.get('realm')!
  const nonce = challenge.get('nonce')!
  const cnonce = o.cnonce ?? randomBytes(8).toString('hex')
  const nc = (o.nc ?? 1).toString(16).padStart(8, '0')
  const qop = o.qop ?? 'auth'
  let ha1 = H(`${o.user}:${realm}:${o.password}`)
  if (algorithm.endsWith('-sess')) ha1 = H(`${ha1}:${nonce}:${cnonce}`)
  const a2 =
    qop === 'auth-int'
      ? `${o.method ?? 'GET'}:${o.uri}:${H(o.body ?? '')}`
      : `${o.method ?? 'GET'}:${o.uri}`
  const response = H(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${H(a2)}`)
  const username = o.userhash ? H(`${o.user}:${realm}`) : o.user
  const parts = [
    `username="${username}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${o.uri}"`,
    `algorithm=${algorithm}`,
    `response="${response}"`,
    `qop=${qop}`,
    `nc=${nc}`,
    `cnonce="${cnonce}"`,
  ]
  if (challenge.has('opaque')) parts.push(`opaque="${challenge.get('opaque')}"`)
  if (o.userhash) parts.push('userhash=true')
  return `Digest ${parts.join(', ')}`
}
