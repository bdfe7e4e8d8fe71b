/*
 * Constant-time comparison of secrets. The loop always runs over the longer input and never
 * returns early, so the time it takes depends only on the lengths, not on where (or whether)
 * the inputs differ. Strings are compared as their UTF-8 bytes.
 */

const encoder = new TextEncoder()

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? encoder.encode(value) : value
}

/**
 * Compares two secrets (strings or bytes) in time independent of their contents: a wrong
 * first byte takes as long to reject as a wrong last byte. Inputs of different lengths are
 * unequal (the length itself is not hidden; hash both sides first if it is secret).
 *
 * @example
 * if (timingSafeEqual(given, expected)) grantAccess()
 */
export function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = toBytes(a)
  const y = toBytes(b)
  const length = Math.max(x.length, y.length)
  let diff = x.length ^ y.length
  for (let i = 0; i < length; i++) {
    // Out-of-range reads give undefined; `| 0` turns them into 0 without a branch on content.
    diff |= (x[i]! | 0) ^ (y[i]! | 0)
  }
  return diff === 0
}
