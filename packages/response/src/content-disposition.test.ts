import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { contentDisposition } from './content-disposition.js'

describe('contentDisposition (ported from paste tests/test_httpheaders.py)', () => {
  test.each([
    [undefined, {}, 'attachment'],
    [undefined, { type: 'inline' }, 'inline'],
    ['test.txt', { type: 'inline' }, 'inline; filename="test.txt"'],
    ['/some/path/test.txt', {}, 'attachment; filename="test.txt"'],
    ['C:\\dir\\x.txt', {}, 'attachment; filename="x.txt"'],
    ['say "hi"\\.txt', {}, 'attachment; filename=".txt"'],
    ['a "b".txt', {}, 'attachment; filename="a \\"b\\".txt"'],
    ['line\r\nbreak.txt', {}, 'attachment; filename="line__break.txt"'],
    [
      '€ rates.txt',
      {},
      `attachment; filename="_ rates.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt`,
    ],
    ['日本.pdf', {}, `attachment; filename="__.pdf"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf`],
  ] as const)('%j %j', (name, options, expected) => {
    expect(contentDisposition(name, options)).toBe(expected)
  })
  test('a bad type throws', () => {
    expect(() => contentDisposition('x', { type: 'evil' as never })).toThrow(TypeError)
  })
  test("filename* escapes ' ( ) * (not attr-chars) and turns lone surrogates into U+FFFD", () => {
    expect(contentDisposition("l'été (1)*.txt")).toBe(
      `attachment; filename="l'_t_ (1)*.txt"; filename*=UTF-8''l%27%C3%A9t%C3%A9%20%281%29%2A.txt`,
    )
    expect(contentDisposition('a\uD800b\u20ac')).toMatch(/filename\*=UTF-8''a%EF%BF%BDb%E2%82%AC$/)
  })
  test('property: always one valid header line; filename* decodes to the name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => {
        const value = contentDisposition(name)
        expect(() => new Headers({ 'content-disposition': value })).not.toThrow()
        expect(value).toMatch(/^[\x20-\x7e]*$/)
        const ext = /filename\*=UTF-8''(.*)$/.exec(value)
        const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'))
        const base = name.slice(cut + 1).replace(/[\x00-\x1f\x7f]/g, '_')
        if (ext) expect(decodeURIComponent(ext[1]!)).toBe(base)
      }),
    )
  })
})
