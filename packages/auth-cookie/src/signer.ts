/*
 * Signed cookie values:
 *
 *   value   = "v1." payload "." signature
 *   payload = base64url( JSON { u: user, t: tokens, d: userData, v: values, e: expires } )
 *   signature = base64url( HMAC-SHA-256( key, "paste-auth-cookie:" name ":" payload ) )
 *
 * The cookie name is signed too, so a value cannot be moved to another cookie. Verification
 * tries each key (rotation: the first signs, all verify), comparing in constant time: Node's
 * HMAC and timingSafeEqual where the runtime has them, else Web Crypto's `verify`. Anything malformed, tampered, truncated or extended fails.
 */
import { base64urlDecode, base64urlEncode } from '@paste/core'

/** What a signed cookie carries. */
export interface CookieContent {
  /** The user (`context.remoteUser`). */
  user: string
  /** Roles or groups. */
  tokens: readonly string[]
  /** Free-form data. */
  userData: string
  /** Further named values chosen at login. */
  values: Readonly<Record<string, string>>
  /** Expiry, seconds since the epoch. */
  expires: number
}

/** An HMAC key as Web Crypto returns it (the global `CryptoKey` type is DOM-only). */
export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>

// Node's own HMAC, when the runtime has it: synchronous, where Web Crypto's sign/verify go
// through a thread-pool job and a promise per call (about 25 µs of CPU per request against
// 2 µs). Asked with process.getBuiltinModule (Node >= 20.16), so other runtimes, and older
// Nodes, keep Web Crypto; nothing is imported statically.
type NodeCrypto = Pick<typeof import('node:crypto'), 'createHmac' | 'timingSafeEqual'>
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined
// the secret behind each key importKeys made (keys imported elsewhere use Web Crypto)
const secretOf = new WeakMap<HmacKey, Uint8Array>()

function nodeHmac(key: HmacKey, name: string, payload: string): Uint8Array | undefined {
  const secret = nodeCrypto && secretOf.get(key)
  if (secret === undefined) return undefined
  return nodeCrypto!
    .createHmac('sha256', secret)
    .update(`paste-auth-cookie:${name}:${payload}`)
    .digest()
}

const encoder = new TextEncoder()
// value = "v1." base64url "." base64url(32 bytes) (RFC 4648 section 5, no padding)
const FORMAT = /^v1\.([A-Za-z0-9_-]{1,8000})\.([A-Za-z0-9_-]{43})$/

/**
 * Imports HMAC-SHA-256 keys from secrets (strings are used as their UTF-8 bytes).
 *
 * @example
 * const keys = await importKeys([process.env.COOKIE_KEY!, process.env.OLD_COOKIE_KEY!])
 */
export function importKeys(secrets: readonly (string | Uint8Array)[]): Promise<HmacKey[]> {
  return Promise.all(
    secrets.map(async (secret) => {
      // a copy: the caller's array may change later, the key must not
      const bytes = typeof secret === 'string' ? encoder.encode(secret) : secret.slice()
      const key = await crypto.subtle.importKey(
        'raw',
        bytes as Uint8Array<ArrayBuffer>,
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign', 'verify'],
      )
      secretOf.set(key, bytes)
      return key
    }),
  )
}

/**
 * The payload part of a cookie value; the whole value is `3 + payload.length + 44` long,
 * so its size is known before signing.
 *
 * @example
 * const length = 'v1.'.length + encodePayload(content).length + 44
 */
export function encodePayload(content: CookieContent): string {
  const json = JSON.stringify({
    u: content.user,
    t: content.tokens,
    d: content.userData,
    v: content.values,
    e: content.expires,
  })
  return base64urlEncode(encoder.encode(json))
}

const signed = (name: string, payload: string) =>
  encoder.encode(`paste-auth-cookie:${name}:${payload}`)

/**
 * Signs content into a cookie value with the first key.
 *
 * @example
 * const value = await signCookie(keys, 'PASTE_AUTH_COOKIE', { user: 'alice', tokens: [], userData: '', values: {}, expires })
 */
export async function signCookie(
  keys: readonly HmacKey[],
  name: string,
  content: CookieContent,
): Promise<string> {
  const payload = encodePayload(content)
  const signature =
    nodeHmac(keys[0]!, name, payload) ??
    new Uint8Array(await crypto.subtle.sign('HMAC', keys[0]!, signed(name, payload)))
  return `v1.${payload}.${base64urlEncode(signature)}`
}

const isStringArray = (x: unknown): x is string[] =>
  Array.isArray(x) && x.every((t) => typeof t === 'string')
const isStringRecord = (x: unknown): x is Record<string, string> =>
  typeof x === 'object' &&
  x !== null &&
  !Array.isArray(x) &&
  Object.values(x).every((v) => typeof v === 'string')

function decode(payload: string): CookieContent | undefined {
  const bytes = base64urlDecode(payload)
  if (!bytes) return undefined
  let data: unknown
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return undefined
  }
  const { u, t, d, v, e } = (data ?? {}) as Record<string, unknown>
  if (typeof u !== 'string' || u === '' || !isStringArray(t) || typeof d !== 'string')
    return undefined
  if (!isStringRecord(v) || typeof e !== 'number' || !Number.isFinite(e)) return undefined
  return { user: u, tokens: t, userData: d, values: { ...v }, expires: e }
}

/**
 * Verifies a cookie value and returns its content and the index of the key that signed it,
 * or `undefined` for anything not signed by one of `keys` for this cookie name. The expiry
 * is checked by the caller. Never throws.
 *
 * @example
 * const found = await verifyCookie(keys, 'PASTE_AUTH_COOKIE', value)
 */
export async function verifyCookie(
  keys: readonly HmacKey[],
  name: string,
  value: string,
): Promise<{ content: CookieContent; keyIndex: number } | undefined> {
  const match = FORMAT.exec(value)
  if (!match) return undefined
  const signature = base64urlDecode(match[2]!)
  // only the canonical encoding: no second spelling of the same signature
  if (!signature || signature.length !== 32 || base64urlEncode(signature) !== match[2])
    return undefined
  let data: Uint8Array | undefined
  for (const [keyIndex, key] of keys.entries()) {
    const expected = nodeHmac(key, name, match[1]!)
    // both compare in constant time
    const valid =
      expected !== undefined
        ? nodeCrypto!.timingSafeEqual(expected, signature)
        : await crypto.subtle.verify(
            'HMAC',
            key,
            signature as Uint8Array<ArrayBuffer>,
            (data ??= signed(name, match[1]!)) as Uint8Array<ArrayBuffer>,
          )
    if (valid) {
      const content = decode(match[1]!)
      return content ? { content, keyIndex } : undefined
    }
  }
  return undefined
}
