/* Options of authDigest, checked and resolved once when the middleware is created. */
import {
  ALGORITHMS,
  type DigestAlgorithm,
  type DigestHash,
  type DigestQop,
  digestUserhash,
} from './compute.js'
import { parseHtdigest } from './htdigest.js'
import { memoryNonceStore, type NonceStore } from './store.js'
import type { DigestLookup, VerifierConfig } from './verify.js'

/** Options for {@link authDigest}. */
export interface AuthDigestOptions {
  /** The protection space; it is part of every password hash (RFC 7616 section 3.3). Required. */
  realm: string
  /** Finds a user's password or HA1. Give exactly one of `getUser`, `users`, `htdigest`. */
  getUser?: DigestLookup
  /** A fixed table of users and plain passwords. */
  users?: Readonly<Record<string, string>>
  /** The contents of an htdigest file (MD5 HA1s); only its lines for `realm` are used. */
  htdigest?: string
  /** Maps a userhash back to a user name, for `userhash` with `getUser`. @default none */
  resolveUserhash?: (
    userhash: string,
    hash: DigestHash,
  ) => string | undefined | Promise<string | undefined>
  /** Algorithms offered, most preferred first (one challenge each). @default ['SHA-256', 'MD5'] (['MD5'] with htdigest) */
  algorithms?: readonly DigestAlgorithm[]
  /** Quality of protection offered. `auth-int` reads and hashes the request body. @default ['auth'] */
  qop?: readonly DigestQop[]
  /** Let clients send H(username:realm) instead of the user name (RFC 7616 3.4.4). @default false */
  userhash?: boolean
  /** The nonce HMAC key; share it between processes behind one load balancer. @default random per process */
  secret?: string | Uint8Array
  /** Seconds a nonce stays fresh; after that the client gets `stale=true`. @default 300 */
  nonceLifetime?: number
  /** Where nonce-counts are remembered (replay protection). @default memoryNonceStore() */
  nonceStore?: NonceStore
  /** The largest body hashed for `auth-int`, in bytes. @default 1048576 */
  maxBodyBytes?: number
  /** The `authType` put into the context for the app below. @default 'digest' */
  authType?: string
}

const fail = (message: string): never => {
  throw new TypeError(`@paste/auth-digest: ${message}`)
}

function resolveLookup(options: AuthDigestOptions): {
  lookup: DigestLookup
  names?: readonly string[]
} {
  const given = [options.getUser, options.users, options.htdigest].filter((x) => x !== undefined)
  if (given.length !== 1) fail('give exactly one of getUser, users, htdigest')
  if (options.getUser) {
    if (typeof options.getUser !== 'function') fail('getUser must be a function')
    return { lookup: options.getUser }
  }
  if (options.users) {
    const users = new Map(Object.entries(options.users))
    return { lookup: (user) => users.get(user), names: [...users.keys()] }
  }
  const ha1s = parseHtdigest(options.htdigest!, options.realm)
  return {
    lookup: (user, _realm, hash) =>
      hash === 'MD5' && ha1s.has(user) ? { ha1: ha1s.get(user)! } : undefined,
    names: [...ha1s.keys()],
  }
}

export function resolveConfig(
  options: AuthDigestOptions,
): Omit<VerifierConfig, 'issuer' | 'opaque'> {
  if (
    typeof options?.realm !== 'string' ||
    options.realm === '' ||
    /[\u0000-\u001f\u007f]/.test(options.realm)
  )
    fail('realm must be a non-empty string without control characters')
  const { lookup, names } = resolveLookup(options)
  const algorithms = [
    ...(options.algorithms ?? (options.htdigest !== undefined ? ['MD5'] : ['SHA-256', 'MD5'])),
  ] as DigestAlgorithm[]
  if (algorithms.length === 0 || algorithms.some((a) => !ALGORITHMS.includes(a)))
    fail(`algorithms must be some of ${ALGORITHMS.join(', ')}`)
  if (options.htdigest !== undefined && algorithms.some((a) => !a.startsWith('MD5')))
    fail('algorithms must be MD5 or MD5-sess with htdigest (it stores MD5 hashes)')
  const qop = [...(options.qop ?? ['auth'])] as DigestQop[]
  if (qop.length === 0 || qop.some((q) => q !== 'auth' && q !== 'auth-int'))
    fail("qop must be some of 'auth', 'auth-int'")
  const lifetime = options.nonceLifetime ?? 300
  if (!(lifetime > 0) || !Number.isFinite(lifetime))
    fail('nonceLifetime must be a positive number of seconds')
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0)
    fail('maxBodyBytes must be a non-negative integer')
  const secret = options.secret
  if (
    secret !== undefined &&
    !((typeof secret === 'string' || secret instanceof Uint8Array) && secret.length >= 16)
  )
    fail('secret must be a string or bytes of at least 16')
  const userhash = options.userhash ?? false
  if (userhash && !names && !options.resolveUserhash)
    fail('userhash with getUser needs resolveUserhash')
  const realm = options.realm
  const byHash = new Map<DigestHash, Promise<Map<string, string>>>()
  const tableResolve = async (hashed: string, hash: DigestHash) => {
    if (!byHash.has(hash))
      byHash.set(
        hash,
        Promise.all(
          (names ?? []).map(async (n) => [await digestUserhash(hash, n, realm), n] as const),
        ).then((e) => new Map(e)),
      )
    return (await byHash.get(hash)!).get(hashed)
  }
  return {
    realm,
    algorithms,
    qop,
    userhash,
    lookup,
    resolveUserhash: options.resolveUserhash ?? tableResolve,
    store: options.nonceStore ?? memoryNonceStore(),
    lifetimeMs: lifetime * 1000,
    maxBodyBytes,
  }
}
