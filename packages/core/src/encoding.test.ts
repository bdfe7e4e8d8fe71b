import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { base64urlDecode, base64urlEncode, escapeHtml } from './encoding.js'

describe('base64url', () => {
  test('RFC 4648 section 10 vectors, unpadded and URL-safe', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ]
    for (const [plain, encoded] of vectors) {
      expect(base64urlEncode(new TextEncoder().encode(plain))).toBe(encoded)
      expect(new TextDecoder().decode(base64urlDecode(encoded))).toBe(plain)
    }
    expect(base64urlEncode(Uint8Array.of(0xfb, 0xff))).toBe('-_8')
  })

  test('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(base64urlDecode(base64urlEncode(bytes))).toEqual(bytes)
      }),
    )
  })

  test.each(['Zg==', 'Z g', 'Zm9v+', 'Zm9v/', 'a', 'abcde', '\u00e9'])('refuses %j', (text) => {
    expect(base64urlDecode(text)).toBeUndefined()
  })
})

describe('escapeHtml', () => {
  test('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    )
  })
  test('leaves no markup characters behind', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(escapeHtml(s)).not.toMatch(/[<>"']/)
      }),
    )
  })
})
