import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { md5, md5Bytes } from './md5.js'

describe('md5', () => {
  // RFC 1321 appendix A.5 test suite
  test.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
      'd174ab98d277d9f5a5611c2c9f419d9f',
    ],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      '57edf4a22be3c955ac49da2e2107b67a',
    ],
  ])('RFC 1321 A.5: md5(%j)', (input, expected) => {
    expect(md5(input)).toBe(expected)
  })

  test('hashes strings as UTF-8', () => {
    expect(md5('ümlaut')).toBe(createHash('md5').update('ümlaut', 'utf8').digest('hex'))
  })

  test('agrees with node:crypto around every padding boundary', () => {
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 255)
      expect(md5(bytes)).toBe(createHash('md5').update(bytes).digest('hex'))
    }
  })

  test('agrees with node:crypto on arbitrary inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        expect(Buffer.from(md5Bytes(bytes)).toString('hex')).toBe(
          createHash('md5').update(bytes).digest('hex'),
        )
      }),
    )
  })

  test('a one-million-byte input', () => {
    const big = new Uint8Array(1_000_000).fill(0x61)
    expect(md5(big)).toBe('7707d6ae4e027c70eea2a935c2296f21')
  })
})
