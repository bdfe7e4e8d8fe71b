import { bestOf } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseAuthorization } from './authorization.js'
import { parseContentType } from './content-type.js'
import { etagMatches, parseETagList } from './etag.js'
import { formatHttpDate, parseHttpDate } from './http-date.js'
import { parseRange } from './range.js'

const fast = (fn: () => void) => {
  expect(bestOf(fn)).toBeLessThan(50)
}

describe('HTTP dates (RFC 9110 5.6.7)', () => {
  const iso = '1994-11-06T08:49:37.000Z'
  test.each([
    'Sun, 06 Nov 1994 08:49:37 GMT',
    'Sunday, 06-Nov-94 08:49:37 GMT',
    'Sun Nov  6 08:49:37 1994',
  ])('%s', (value) => {
    expect(parseHttpDate(value)?.toISOString()).toBe(iso)
  })
  test.each([
    '',
    'yesterday',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 25:49:37 GMT',
    'Sun, 06 Foo 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 08:49:37 PST',
    '1994-11-06T08:49:37Z',
  ])('rejects %j', (value) => {
    expect(parseHttpDate(value)).toBeUndefined()
  })
  test('formats IMF-fixdate and round-trips', () => {
    expect(formatHttpDate(new Date(iso))).toBe('Sun, 06 Nov 1994 08:49:37 GMT')
    expect(() => formatHttpDate(new Date(Number.NaN))).toThrow(TypeError)
    fc.assert(
      fc.property(
        fc.date({ min: new Date(0), max: new Date(253402300799000), noInvalidDate: true }),
        (d) => {
          const whole = new Date(Math.floor(d.getTime() / 1000) * 1000)
          expect(parseHttpDate(formatHttpDate(whole))?.getTime()).toBe(whole.getTime())
        },
      ),
    )
  })
  test('hostile input', () => {
    fast(() => parseHttpDate(`Sun, ${'0'.repeat(65536)}`))
    fast(() => parseHttpDate(' '.repeat(65536)))
    fc.assert(fc.property(fc.string(), (s) => void parseHttpDate(s)))
  })
})

describe('parseETagList (RFC 9110 13.1.1)', () => {
  test('lists, weak tags, commas inside tags, *', () => {
    expect(parseETagList('*')).toEqual({ any: true, tags: [] })
    expect(parseETagList('"a", W/"b", "c,d"')).toEqual({
      any: false,
      tags: [
        { weak: false, tag: '"a"' },
        { weak: true, tag: '"b"' },
        { weak: false, tag: '"c,d"' },
      ],
    })
    expect(parseETagList('junk, "ok", W/bad, "')).toEqual({
      any: false,
      tags: [{ weak: false, tag: '"ok"' }],
    })
    expect(parseETagList(null)).toEqual({ any: false, tags: [] })
  })
  test('strong and weak comparison', () => {
    expect(etagMatches({ weak: true, tag: '"a"' }, '"a"', 'weak')).toBe(true)
    expect(etagMatches({ weak: true, tag: '"a"' }, '"a"', 'strong')).toBe(false)
    expect(etagMatches({ weak: false, tag: '"a"' }, '"a"', 'strong')).toBe(true)
    expect(etagMatches({ weak: false, tag: '"a"' }, 'W/"b"', 'weak')).toBe(false)
  })
  test('hostile input', () => {
    fast(() => parseETagList('"'.repeat(65536)))
    fast(() => parseETagList('W/'.repeat(32768)))
    fast(() => parseETagList('x,'.repeat(32768)))
    fast(() => parseETagList(`"${',"'.repeat(32767)}`))
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.stringMatching(/^[\x21\x23-\x7e]{0,8}$/))),
        (tags) => {
          const header = tags.map(([w, t]) => `${w ? 'W/' : ''}"${t}"`).join(', ')
          expect(parseETagList(header).tags).toEqual(
            tags.map(([weak, t]) => ({ weak, tag: `"${t}"` })),
          )
        },
      ),
    )
  })
})

describe('parseContentType', () => {
  test('type, params, quoting, case', () => {
    expect(parseContentType('Text/HTML; Charset="UTF-8"; charset=latin1')).toEqual({
      type: 'text/html',
      params: { charset: 'UTF-8' },
    })
    expect(parseContentType('multipart/form-data; boundary="a;b\\"c"')?.params.boundary).toBe(
      'a;b"c',
    )
    expect(parseContentType('text')).toBeUndefined()
    expect(parseContentType('te xt/html')).toBeUndefined()
    expect(parseContentType('')).toBeUndefined()
  })
  test('property: serialised type and parameters parse back', () => {
    const token = fc.stringMatching(/^[a-z0-9!#$&^_.+-]{1,10}$/)
    const quoted = fc.string({ maxLength: 12 }).filter((s) => !/[\x00-\x08\x0a-\x1f\x7f]/.test(s))
    fc.assert(
      fc.property(
        token,
        token,
        fc.uniqueArray(fc.tuple(token, quoted), { selector: ([n]) => n, maxLength: 4 }),
        (type, subtype, params) => {
          const header = `${type}/${subtype}${params.map(([n, v]) => `; ${n}="${v.replace(/["\\]/g, '\\$&')}"`).join('')}`
          expect(parseContentType(header)).toEqual({
            type: `${type}/${subtype}`,
            params: Object.fromEntries(params),
          })
        },
      ),
    )
  })
  test('hostile input', () => {
    fast(() => parseContentType(`a/b;${'x="\\'.repeat(21845)}`))
    fast(() => parseContentType(`a/b${';'.repeat(65536)}`))
    fc.assert(fc.property(fc.string(), (s) => void parseContentType(s)))
  })
})

describe('parseAuthorization (RFC 9110 11.4)', () => {
  test.each([
    ['Basic dXNlcjpwYXNz', { scheme: 'basic', token68: 'dXNlcjpwYXNz' }],
    ['Bearer abc.def-ghi==', { scheme: 'bearer', token68: 'abc.def-ghi==' }],
    ['Basic', { scheme: 'basic' }],
    ['Digest foo', { scheme: 'digest', token68: 'foo' }],
    [
      'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", nc=00000001, qop=auth',
      {
        scheme: 'digest',
        params: {
          username: 'Mufasa',
          realm: 'http-auth@example.org',
          uri: '/dir/index.html',
          nc: '00000001',
          qop: 'auth',
        },
      },
    ],
    ['Digest username="a\\"b,c"', { scheme: 'digest', params: { username: 'a"b,c' } }],
    ['Digest a = 1 , b="2"', { scheme: 'digest', params: { a: '1', b: '2' } }],
  ])('%s', (header, expected) => {
    expect(parseAuthorization(header)).toEqual(expected)
  })
  test.each([
    ['Basic !!!!'],
    ['Digest a=1, a=2'],
    ['Digest a="unterminated'],
    ['Digest a=1 b=2'],
    ['B@sic x'],
    [''],
  ])('malformed %j is undefined', (header) => {
    expect(parseAuthorization(header)).toBeUndefined()
  })
  test('hostile input', () => {
    fast(() => parseAuthorization(`Digest ${'a=1,'.repeat(16384)}`))
    fast(() => parseAuthorization(`Digest a="${'\\"'.repeat(32767)}`))
    fast(() => parseAuthorization(`Basic ${'A'.repeat(65530)}!`))
    fast(() => parseAuthorization(`Digest ${'='.repeat(65536)}`))
    fc.assert(fc.property(fc.string(), (s) => void parseAuthorization(s)))
  })
  test('property: quoted auth-params round-trip', () => {
    const name = fc.stringMatching(/^[a-z]{1,8}$/)
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, fc.string({ maxLength: 20 })), {
          selector: ([n]) => n,
          minLength: 1,
        }),
        (pairs) => {
          const header = `Digest ${pairs.map(([n, v]) => `${n}="${v.replace(/["\\]/g, '\\$&')}"`).join(', ')}`
          expect(parseAuthorization(header)?.params).toEqual(Object.fromEntries(pairs))
        },
      ),
    )
  })
})

describe('parseRange (RFC 9110 14.2)', () => {
  test.each([
    ['bytes=0-499', 10000, [{ start: 0, end: 499 }]],
    ['bytes=500-999', 10000, [{ start: 500, end: 999 }]],
    ['bytes=-500', 10000, [{ start: 9500, end: 9999 }]],
    ['bytes=9500-', 10000, [{ start: 9500, end: 9999 }]],
    [
      'bytes=0-0,-1',
      10000,
      [
        { start: 0, end: 0 },
        { start: 9999, end: 9999 },
      ],
    ],
    ['bytes=0-5000', 1000, [{ start: 0, end: 999 }]],
    ['bytes=-5000', 1000, [{ start: 0, end: 999 }]],
    ['Bytes = 1-2', 10, [{ start: 1, end: 2 }]],
    ['bytes=5-, 2000-', 1000, [{ start: 5, end: 999 }]],
    ['bytes=2000-', 1000, 'unsatisfiable'],
    ['bytes=-0', 1000, 'unsatisfiable'],
    ['bytes=0-', 0, 'unsatisfiable'],
    ['bytes=5-1', 1000, undefined],
    ['items=0-1', 1000, undefined],
    ['bytes=a-b', 1000, undefined],
    ['bytes=', 1000, undefined],
    ['bytes=-', 1000, undefined],
    [null, 1000, undefined],
  ] as const)('%s of %i', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected)
  })
  test('too many ranges are ignored', () => {
    expect(parseRange(`bytes=${'0-1,'.repeat(101)}`, 10)).toBeUndefined()
    expect(parseRange(`bytes=${'0-1,'.repeat(3)}`, 10, { maxRanges: 2 })).toBeUndefined()
  })
  test('hostile input', () => {
    fast(() => parseRange(`bytes=${','.repeat(65530)}`, 100))
    fast(() => parseRange(`bytes=${'1'.repeat(65530)}-`, 100))
    fast(() => parseRange(`bytes=${' '.repeat(65530)}-1`, 100))
    fc.assert(
      fc.property(fc.string(), fc.nat(), (s, size) => {
        const r = parseRange(`bytes=${s}`, size)
        if (Array.isArray(r))
          for (const { start, end } of r)
            expect(0 <= start && start <= end && end < size).toBe(true)
      }),
    )
  })
})
