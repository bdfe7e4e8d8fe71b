import { describe, expect, test } from 'vitest'
import { evaluatePreconditions, ifRangeMatches } from './conditional.js'
import { formatHttpDate, parseHttpDate } from './http-date.js'

const v = { etag: '"abc"', lastModified: 784111777 }
const at = (h: Record<string, string>, method = 'GET') =>
  evaluatePreconditions(new Headers(h), method, v)

describe('HTTP-date (RFC 9110 section 5.6.7)', () => {
  test('the three formats', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(784111777)
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(784111777)
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(784111777)
    expect(formatHttpDate(784111777)).toBe('Sun, 06 Nov 1994 08:49:37 GMT')
  })
  test("old browsers' `; length=N` is dropped", () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT; length=1506')).toBe(784111777)
  })
  test('garbage is undefined, never a throw', () => {
    for (const s of [
      'garbage',
      '',
      'Sun, 31 Feb 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 25:49:37 GMT',
      '1994-11-06',
      'x'.repeat(100),
    ])
      expect(parseHttpDate(s), s).toBeUndefined()
  })
})

describe('preconditions (RFC 9110 section 13.2.2)', () => {
  test('If-None-Match: weak comparison, 304 for GET/HEAD, 412 otherwise', () => {
    expect(at({ 'if-none-match': '"abc"' })).toBe('not-modified')
    expect(at({ 'if-none-match': 'W/"abc"' })).toBe('not-modified')
    expect(at({ 'if-none-match': '"x", "abc"' })).toBe('not-modified')
    expect(at({ 'if-none-match': '*' }, 'HEAD')).toBe('not-modified')
    expect(at({ 'if-none-match': '"x"' })).toBe('proceed')
    expect(at({ 'if-none-match': '"abc"' }, 'DELETE')).toBe('failed')
    expect(at({ 'if-none-match': 'asdf' })).toBe('proceed')
  })
  test('If-Modified-Since: only without If-None-Match, invalid dates ignored', () => {
    expect(at({ 'if-modified-since': 'Sun, 06 Nov 1994 08:49:37 GMT' })).toBe('not-modified')
    expect(at({ 'if-modified-since': 'Sat, 05 Nov 1994 08:49:37 GMT' })).toBe('proceed')
    expect(at({ 'if-modified-since': 'garbage' })).toBe('proceed')
    expect(
      at({ 'if-modified-since': 'Sun, 06 Nov 1994 08:49:37 GMT', 'if-none-match': '"x"' }),
    ).toBe('proceed')
  })
  test('If-Match: strong comparison, 412 on mismatch', () => {
    expect(at({ 'if-match': '"abc"' })).toBe('proceed')
    expect(at({ 'if-match': '*' })).toBe('proceed')
    expect(at({ 'if-match': 'W/"abc"' })).toBe('failed')
    expect(at({ 'if-match': '"x"' })).toBe('failed')
    expect(at({ 'if-match': 'bogus' })).toBe('failed')
  })
  test('If-Unmodified-Since: 412 when modified after, ignored under If-Match', () => {
    expect(at({ 'if-unmodified-since': 'Sat, 05 Nov 1994 08:49:37 GMT' })).toBe('failed')
    expect(at({ 'if-unmodified-since': 'Sun, 06 Nov 1994 08:49:37 GMT' })).toBe('proceed')
    expect(
      at({ 'if-unmodified-since': 'Sat, 05 Nov 1994 08:49:37 GMT', 'if-match': '"abc"' }),
    ).toBe('proceed')
  })
  test('If-Range: strong etag or exact date', () => {
    expect(ifRangeMatches(null, v)).toBe(true)
    expect(ifRangeMatches('"abc"', v)).toBe(true)
    expect(ifRangeMatches('W/"abc"', v)).toBe(false)
    expect(ifRangeMatches('"x"', v)).toBe(false)
    expect(ifRangeMatches('Sun, 06 Nov 1994 08:49:37 GMT', v)).toBe(true)
    expect(ifRangeMatches('Sat, 05 Nov 1994 08:49:37 GMT', v)).toBe(false)
    expect(ifRangeMatches('nonsense', v)).toBe(false)
  })
})
