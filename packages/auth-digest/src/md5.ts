/*
 * MD5 (RFC 1321). Web Crypto has no MD5, yet HTTP Digest (RFC 7616) and mod_auth_tkt
 * tickets still use it for interoperability, so here is a small, dependency-free one.
 * MD5 is broken for collision resistance: use it only where a protocol demands it.
 */

// K[i] = floor(abs(sin(i + 1)) * 2^32) (RFC 1321 section 3.4)
const K = Uint32Array.from({ length: 64 }, (_, i) =>
  Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32),
)
// Per-round left-rotation amounts (RFC 1321 section 3.4)
const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
const encoder = new TextEncoder()

/** Pads the message to a multiple of 64 bytes with its bit length (RFC 1321 3.1, 3.2). */
function pad(message: Uint8Array): Uint8Array {
  const length = (((message.length + 8) >> 6) + 1) << 6
  const padded = new Uint8Array(length)
  padded.set(message)
  padded[message.length] = 0x80
  const view = new DataView(padded.buffer)
  const bits = message.length * 8
  view.setUint32(length - 8, bits >>> 0, true)
  view.setUint32(length - 4, Math.floor(bits / 2 ** 32), true)
  return padded
}

/**
 * The MD5 digest of bytes or of a string's UTF-8 encoding, as 16 bytes.
 *
 * @example
 * md5Bytes('abc') // Uint8Array(16) [0x90, 0x01, 0x50, 0x98, ...]
 */
export function md5Bytes(input: string | Uint8Array): Uint8Array {
  const data = pad(typeof input === 'string' ? encoder.encode(input) : input)
  const view = new DataView(data.buffer)
  const state = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476])
  const x = new Uint32Array(16)
  for (let offset = 0; offset < data.length; offset += 64) {
    for (let i = 0; i < 16; i++) x[i] = view.getUint32(offset + i * 4, true)
    let [a, b, c, d] = state as unknown as [number, number, number, number]
    for (let i = 0; i < 64; i++) {
      let f: number
      let g: number
      const round = i >> 4
      if (round === 0) [f, g] = [(b & c) | (~b & d), i]
      else if (round === 1) [f, g] = [(d & b) | (~d & c), (5 * i + 1) & 15]
      else if (round === 2) [f, g] = [b ^ c ^ d, (3 * i + 5) & 15]
      else [f, g] = [c ^ (b | ~d), (7 * i) & 15]
      const sum = (a + f + K[i]! + x[g]!) | 0
      const s = S[(round << 2) | (i & 3)]!
      a = d
      d = c
      c = b
      b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0
    }
    state[0]! += a
    state[1]! += b
    state[2]! += c
    state[3]! += d
  }
  const out = new Uint8Array(16)
  const outView = new DataView(out.buffer)
  for (let i = 0; i < 4; i++) outView.setUint32(i * 4, state[i]!, true)
  return out
}

/**
 * The MD5 digest of bytes or of a string's UTF-8 encoding, as 32 lower-case hex digits.
 *
 * @example
 * md5('') // 'd41d8cd98f00b204e9800998ecf8427e'
 */
export function md5(input: string | Uint8Array): string {
  return toHex(md5Bytes(input))
}

/**
 * Lower-case hex of bytes.
 *
 * @example
 * toHex(new Uint8Array([1, 255])) // '01ff'
 */
export function toHex(bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += (byte < 16 ? '0' : '') + byte.toString(16)
  return hex
}
