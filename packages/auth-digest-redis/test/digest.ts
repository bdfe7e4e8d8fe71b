// Answers a Digest challenge with @paste/auth-digest's public functions (a test client).
import { type DigestAlgorithm, digestHa1, digestResponse } from '@paste/auth-digest'

export interface AnswerOptions {
  user: string
  password: string
  uri: string
  /** The nonce-count, written as 8 hex digits. */
  nc: number
  /** @default a fixed test value */
  cnonce?: string
  method?: string
}

/** The Authorization header answering `challenge` (parsed Digest parameters). */
export async function answer(challenge: Map<string, string>, o: AnswerOptions): Promise<string> {
  const algorithm = (challenge.get('algorithm') ?? 'MD5') as DigestAlgorithm
  const realm = challenge.get('realm')!
  const nonce = challenge.get('nonce')!
  const cnonce = o.cnonce ?? '0a4f113b'
  const nc = o.nc.toString(16).padStart(8, '0')
  const ha1 = await digestHa1(algorithm, o.user, realm, o.password)
  const response = await digestResponse({
    algorithm,
    ha1,
    nonce,
    nc,
    cnonce,
    qop: 'auth',
    method: o.method ?? 'GET',
    uri: o.uri,
  })
  const parts = [
    `username="${o.user}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${o.uri}"`,
    `algorithm=${algorithm}`,
    `response="${response}"`,
    'qop=auth',
    `nc=${nc}`,
    `cnonce="${cnonce}"`,
  ]
  const opaque = challenge.get('opaque')
  if (opaque !== undefined) parts.push(`opaque="${opaque}"`)
  return `Digest ${parts.join(', ')}`
}
