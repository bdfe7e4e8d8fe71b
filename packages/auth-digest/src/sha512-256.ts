/*
 * SHA-512/256 (FIPS 180-4 sections 5.3.6.2 and 6.7): SHA-512 with its own initial hash value,
 * truncated to 256 bits. RFC 7616's `SHA-512-256` Digest algorithm needs it and Web Crypto
 * does not offer it (a truncated `SHA-512` is a different function). Digest inputs are
 * short, so 64-bit BigInt arithmetic is fast enough and keeps this small.
 */

const MASK = (1n << 64n) - 1n

function primes(count: number): bigint[] {
  const found: bigint[] = []
  for (let n = 2; found.length < count; n++)
    if (found.every((p) => BigInt(n) % p !== 0n)) found.push(BigInt(n))
  return found
}

function integerCubeRoot(n: bigint): bigint {
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 3))
  for (;;) {
    const next = (2n * x + n / (x * x)) / 3n
    if (next >= x) break
    x = next
  }
  while (x * x * x > n) x--
  while ((x + 1n) ** 3n <= n) x++
  return x
}

// K[t]: the first 64 bits of the fractional parts of the cube roots of the first 80 primes
// (FIPS 180-4 section 4.2.3), computed exactly rather than copied as 80 literals.
const K = primes(80).map((p) => integerCubeRoot(p << 192n) & MASK)

// H(0) for SHA-512/256 (FIPS 180-4 section 5.3.6.2)
const IV = [
  0x22312194fc2bf72cn,
  0x9f555fa3c84c64c2n,
  0x2393b86b6f53b151n,
  0x963877195940eabdn,
  0x96283ee2a88effe3n,
  0xbe5e1e2553863992n,
  0x2b0199fc2c85b8aan,
  0x0eb72ddc81c52ca2n,
]

const rotr = (x: bigint, n: bigint) => ((x >> n) | (x << (64n - n))) & MASK

/** Pads to a multiple of 128 bytes with the 128-bit message length (FIPS 180-4 5.1.2). */
function pad(message: Uint8Array): Uint8Array {
  const length = (((message.length + 16) >> 7) + 1) << 7
  const padded = new Uint8Array(length)
  padded.set(message)
  padded[message.length] = 0x80
  new DataView(padded.buffer).setBigUint64(length - 8, BigInt(message.length) * 8n)
  return padded
}

function compress(state: bigint[], view: DataView, offset: number, w: bigint[]): void {
  for (let t = 0; t < 16; t++) w[t] = view.getBigUint64(offset + t * 8)
  for (let t = 16; t < 80; t++) {
    const x = w[t - 15]!
    const y = w[t - 2]!
    const s0 = rotr(x, 1n) ^ rotr(x, 8n) ^ (x >> 7n)
    const s1 = rotr(y, 19n) ^ rotr(y, 61n) ^ (y >> 6n)
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) & MASK
  }
  let [a, b, c, d, e, f, g, h] = state as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ]
  for (let t = 0; t < 80; t++) {
    const t1 =
      (h +
        (rotr(e, 14n) ^ rotr(e, 18n) ^ rotr(e, 41n)) +
        ((e & f) ^ (~e & MASK & g)) +
        K[t]! +
        w[t]!) &
      MASK
    const t2 = ((rotr(a, 28n) ^ rotr(a, 34n) ^ rotr(a, 39n)) + ((a & b) ^ (a & c) ^ (b & c))) & MASK
    h = g
    g = f
    f = e
    e = (d + t1) & MASK
    d = c
    c = b
    b = a
    a = (t1 + t2) & MASK
  }
  const next = [a, b, c, d, e, f, g, h]
  for (let i = 0; i < 8; i++) state[i] = (state[i]! + next[i]!) & MASK
}

/**
 * The SHA-512/256 digest of bytes or of a string's UTF-8 encoding, as 32 bytes.
 *
 * @example
 * sha512_256('abc') // Uint8Array(32) [0x53, 0x04, 0x8e, 0x26, ...]
 */
export function sha512_256(input: string | Uint8Array): Uint8Array {
  const data = pad(typeof input === 'string' ? new TextEncoder().encode(input) : input)
  const view = new DataView(data.buffer)
  const state = IV.slice()
  const w = new Array<bigint>(80)
  for (let offset = 0; offset < data.length; offset += 128) compress(state, view, offset, w)
  const out = new Uint8Array(32)
  const outView = new DataView(out.buffer)
  for (let i = 0; i < 4; i++) outView.setBigUint64(i * 8, state[i]!)
  return out
}
