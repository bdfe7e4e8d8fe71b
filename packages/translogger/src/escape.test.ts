import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { escapeBytes, escapeText } from './escape.js'

describe('escapeBytes', () => {
  test('keeps printable ASCII', () => {
    expect(escapeBytes('Mozilla/5.0 (X11; Linux x86_64)')).toBe('Mozilla/5.0 (X11; Linux x86_64)')
  })
  test('C escapes as Apache writes them', () => {
    expect(escapeBytes('a\nb\rc\td\be\vf')).toBe('a\\nb\\rc\\td\\be\\vf')
    expect(escapeBytes('say "hi" \\ bye')).toBe('say \\"hi\\" \\\\ bye')
  })
  test('other controls, DEL and bytes over 0x7F as \\xhh', () => {
    expect(escapeBytes('\x00\x1b\x7f\xe9\xff')).toBe('\\x00\\x1b\\x7f\\xe9\\xff')
  })
  test('char codes above 255 are UTF-8 encoded', () => {
    expect(escapeBytes('\u2028')).toBe('\\xe2\\x80\\xa8')
  })
})

describe('escapeText', () => {
  test('UTF-8 bytes escaped', () => {
    expect(escapeText('josé')).toBe('jos\\xc3\\xa9')
    expect(escapeText('😀')).toBe('\\xf0\\x9f\\x98\\x80')
  })
  test('a forged log line stays on one line inside its field', () => {
    const forged = 'x" 200 1 "-" "-"\n127.0.0.1 - admin [01/Jan/2020:00:00:00 +0000] "GET /'
    const escaped = escapeText(forged)
    expect(escaped).not.toMatch(/[\r\n]/)
    expect(escaped).not.toMatch(/(^|[^\\])"/)
  })
})

test('property: output is printable ASCII, every quote escaped, and decodes back', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (value) => {
      const escaped = escapeText(value)
      expect(escaped).toMatch(/^[\x20-\x7e]*$/)
      // every '"' is preceded by an odd run of backslashes (i.e. it is escaped)
      for (const m of escaped.matchAll(/(\\*)"/g)) expect(m[1]!.length % 2).toBe(1)
      expect(unescapeLog(escaped)).toEqual(new TextEncoder().encode(value))
    }),
  )
})

function unescapeLog(escaped: string): Uint8Array {
  const named: Record<string, number> = { b: 8, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 }
  const bytes: number[] = []
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped[i]!
    if (c !== '\\') bytes.push(c.charCodeAt(0))
    else if (escaped[i + 1] === 'x') {
      bytes.push(Number.parseInt(escaped.slice(i + 2, i + 4), 16))
      i += 3
    } else {
      bytes.push(named[escaped[i + 1]!]!)
      i += 1
    }
  }
  return Uint8Array.from(bytes)
}
