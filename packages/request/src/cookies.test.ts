import { bestOf } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { getCookie, parseCookies } from './cookies.js'

describe('parseCookies', () => {
  test('ports paste test_bad_cookie', () => {
    expect(parseCookies('070-it-:><?0').size).toBe(0)
    expect(Object.fromEntries(parseCookies('foo=bar'))).toEqual({ foo: 'bar' })
    expect(parseCookies('...').size).toBe(0)
    expect(parseCookies('=foo').size).toBe(0)
    expect(parseCookies('?=').size).toBe(0)
  })
  test('splits, trims, unquotes; first occurrence wins', () => {
    const c = parseCookies(' sid=abc ;theme="dark";sid=shadowed; empty=; eq=a=b; bad name=x')
    expect(Object.fromEntries(c)).toEqual({ sid: 'abc', theme: 'dark', empty: '', eq: 'a=b' })
  })
  test('missing header, null and undefined', () => {
    expect(parseCookies(null).size).toBe(0)
    expect(parseCookies(undefined).size).toBe(0)
    expect(parseCookies('').size).toBe(0)
  })
  test('no percent-decoding, no prototype keys confusion', () => {
    const c = parseCookies('a=%41; __proto__=x; constructor=y')
    expect(c.get('a')).toBe('%41')
    expect(c.get('__proto__')).toBe('x')
    expect(c.get('constructor')).toBe('y')
  })
  test('getCookie reads the request header', () => {
    const request = new Request('http://h/', { headers: { cookie: 'a=1; b=2' } })
    expect(getCookie(request, 'b')).toBe('2')
    expect(getCookie(request, 'c')).toBeUndefined()
  })
  test('a 64 KiB hostile header parses quickly', () => {
    const inputs = [
      ';'.repeat(65536),
      '='.repeat(65536),
      `a=${'"'.repeat(65534)}`,
      'a=b;'.repeat(16384),
    ]
    for (const input of inputs) {
      expect(bestOf(() => parseCookies(input))).toBeLessThan(50)
    }
  })
  test('property: never throws; serialised token pairs round-trip', () => {
    fc.assert(fc.property(fc.string({ maxLength: 500 }), (s) => void parseCookies(s)))
    const name = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,10}$/)
    const value = fc.stringMatching(/^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]{0,10}$/)
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n }), (pairs) => {
        const header = pairs.map(([n, v]) => `${n}=${v}`).join('; ')
        expect([...parseCookies(header)]).toEqual(
          pairs.map(([n, v]) => [
            n,
            v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v,
          ]),
        )
      }),
    )
  })
})
