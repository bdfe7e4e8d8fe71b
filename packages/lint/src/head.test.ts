import { bestOf } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { checkEntityHeaders, checkFields, checkSetCookies, isUriReference } from './head.js'

const rules = (findings: { rule: string }[]) => findings.map((f) => f.rule)

describe('isUriReference', () => {
  test.each([
    ['/path?q=1#top', true],
    ['https://example.com/a%20b', true],
    ['//cdn.example/x', true],
    ['../up', true],
    ['', true],
    ['/a b', false],
    ['/a%zz', false],
    ['/a#b#c', false],
    ['/caf\u00e9', false],
    ['http://[::1/', false],
  ])('%j -> %s', (value, valid) => {
    expect(isUriReference(value)).toBe(valid)
  })

  test('every percent-encoded path is a valid reference', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1 }), { maxLength: 5 }), (segments) => {
        expect(isUriReference(`/${segments.map(encodeURIComponent).join('/')}`)).toBe(true)
      }),
    )
  })
})

describe('Set-Cookie', () => {
  const check = (...values: string[]) => {
    const headers = new Headers()
    for (const value of values) headers.append('set-cookie', value)
    return rules(checkSetCookies(headers))
  }
  test('an Expires date may hold a comma', () => {
    expect(check('id=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/')).toEqual([])
  })
  test('separate fields are fine, folded ones are not', () => {
    expect(check('a=1', 'b=2')).toEqual([])
    expect(check('a=1; Path=/, b=2')).toEqual(['set-cookie'])
  })
  test('names must be tokens and values cookie-octets', () => {
    expect(check('=1')).toEqual(['set-cookie'])
    expect(check('a b=1')).toEqual(['set-cookie'])
    expect(check('a="x\\y"')).toEqual(['set-cookie'])
    expect(check('a="quoted"')).toEqual([])
  })
})

describe('fields', () => {
  test('header names, values and hop-by-hop fields', () => {
    expect(rules(checkFields(new Headers({ 'x-ok': 'tab\there' })))).toEqual([])
    expect(rules(checkFields(new Headers({ 'x-bad': 'a\u007fb' })))).toEqual(['header-value'])
    expect(rules(checkFields(new Headers({ 'transfer-encoding': 'chunked' })))).toEqual([
      'hop-by-hop-header',
    ])
    expect(rules(checkFields(new Headers({ Status: '200' })))).toEqual(['header-name'])
  })
})

describe('entity headers', () => {
  const response = (body: string | null, init: ResponseInit) => new Response(body, init)
  test('Content-Length with no body only where the body is empty by design', () => {
    const declared = { headers: { 'content-length': '10', 'content-type': 'text/plain' } }
    expect(rules(checkEntityHeaders(response(null, declared), 'GET'))).toEqual(['content-length'])
    expect(rules(checkEntityHeaders(response(null, declared), 'HEAD'))).toEqual([])
    expect(rules(checkEntityHeaders(response(null, { ...declared, status: 304 }), 'GET'))).toEqual(
      [],
    )
  })
  test('ETags must be quoted, weak or strong', () => {
    for (const etag of ['"a"', 'W/"a"', '""'])
      expect(rules(checkEntityHeaders(response(null, { headers: { etag } }), 'GET'))).toEqual([])
    for (const etag of ['a', 'W/a', '"a', 'w/"a"', '"a"b"'])
      expect(rules(checkEntityHeaders(response(null, { headers: { etag } }), 'GET'))).toEqual([
        'etag',
      ])
  })
  test('Content-Type grammar with parameters and quoted strings', () => {
    for (const type of [
      'text/html',
      'text/html; charset=utf-8',
      'multipart/form-data; boundary="a b"',
    ])
      expect(
        rules(checkEntityHeaders(response('x', { headers: { 'content-type': type } }), 'GET')),
      ).toEqual([])
    for (const type of ['html', 'text/', 'text/html; charset', 'text/html; =x'])
      expect(
        rules(checkEntityHeaders(response('x', { headers: { 'content-type': type } }), 'GET')),
      ).toEqual(['content-type'])
  })

  // The former pattern, as an oracle (exponential on `; ; ; ...`, so only short inputs here).
  const FORMER =
    /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*;[ \t]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+=(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t \x21\x23-\x5B\x5D-\x7E\x80-\xFF]|\\[\t \x21-\x7E\x80-\xFF])*"))?)*$/
  const typeRule = (type: string) =>
    rules(checkEntityHeaders(response('x', { headers: { 'content-type': type } }), 'GET'))
  test('property: a Content-Type is judged as the RFC 9110 grammar (the former regex) judges it', () => {
    const unit = fc.constantFrom(';', ' ', '\t', '=', '"', '\\', 'a', 'b=c', '/', '@')
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (rest) => {
        const type = new Headers({ 'content-type': `text/html${rest}` }).get('content-type')!
        expect(typeRule(type)).toEqual(FORMER.test(type) ? [] : ['content-type'])
      }),
      { numRuns: 3000 },
    )
  })
  test.each([
    ['empty parameters', `text/html${'; '.repeat(32_000)}@`],
    ['blanks around semicolons', `text/html${' ;\t'.repeat(21_000)}@`],
    ['parameters', `text/html${'; a=b '.repeat(10_000)}@`],
  ])('a 64 KiB hostile Content-Type (%s) is refused in well under 50 ms', (_, type) => {
    expect(typeRule(type)).toEqual(['content-type'])
    expect(bestOf(() => typeRule(type))).toBeLessThan(50)
  })
})
