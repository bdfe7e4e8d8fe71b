import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { toHex } from './md5.js'
import { sha512_256 } from './sha512-256.js'

describe('sha512_256', () => {
  // FIPS 180-4 example values (NIST CSRC "SHA512_256.pdf")
  test('NIST examples', () => {
    expect(toHex(sha512_256('abc'))).toBe(
      '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23',
    )
    expect(
      toHex(
        sha512_256(
          'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
        ),
      ),
    ).toBe('3928e184fb8690f840da3988121d31be65cb9d3ef83ee6146feac861e19b563a')
  })

  test('agrees with node:crypto around every padding boundary', () => {
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 255)
      expect(toHex(sha512_256(bytes))).toBe(createHash('sha512-256').update(bytes).digest('hex'))
    }
  })

  test('agrees with node:crypto on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        expect(toHex(sha512_256(s))).toBe(createHash('sha512-256').update(s, 'utf8').digest('hex'))
      }),
      { numRuns: 200 },
    )
  })
})
