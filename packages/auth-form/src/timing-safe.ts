/*
 * Constant-time comparison of secrets (CSRF tokens, MACs). Runs on every runtime (no
 * node:crypto): it always walks the longer input in full and folds every difference into
 * one accumulator, so the time depends only on the lengths, never on where inputs differ.
 */

const encoder = new TextEncoder()

/**
 * Compares two secrets in time that depends only on their lengths. Strings are compared as
 * UTF-8 bytes.
 *
 * @example
 * timingSafeEqual(fieldToken, cookieToken) // true only when identical
 */
export function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = typeof a === 'string' ? encoder.encode(a) : a
  const y = typeof b === 'string' ? encoder.encode(b) : b
  const length = Math.max(x.length, y.length)
  let difference = x.length ^ y.length
  for (let i = 0; i < length; i++)
    difference |= (x[i % (x.length || 1)] ?? 0) ^ (y[i % (y.length || 1)] ?? 0)
  return difference === 0
}
