import { describe, expect, test } from 'vitest'
import { encodeSegment, encodeUrlText, jsString, percentDecode, schemeOf } from './encode.js'
import { windowFeatures } from './popup.js'

describe('schemeOf reads the scheme as a browser does', () => {
  test.each([
    ['javascript:x', 'javascript'],
    ['JavaScript:x', 'javascript'],
    ['  \u0000\u001f javascript:x', 'javascript'],
    ['ja\tva\nscr\ript:x', 'javascript'],
    ['http://h/', 'http'],
    ['a+b.c-d:x', 'a+b.c-d'],
    ['/path:x', undefined],
    ['1abc:x', undefined],
    ['java script:x', undefined],
    ['\u00a0javascript:x', undefined], // NBSP is not stripped by browsers either
    ['', undefined],
  ])('%j', (url, scheme) => {
    expect(schemeOf(url)).toBe(scheme)
  })
})

describe('encodeUrlText', () => {
  test('keeps URL characters and %XX escapes, encodes the rest', () => {
    expect(encodeUrlText("http://u@h:1/a;b,c=d!$&'()*+~?x=[1]#f")).toBe(
      "http://u@h:1/a;b,c=d!$&'()*+~?x=[1]#f",
    )
    expect(encodeUrlText('%zz%2F%2f%')).toBe('%25zz%2F%2f%25')
    expect(encodeUrlText(' "<>\\^`{|}\u007f')).toBe('%20%22%3C%3E%5C%5E%60%7B%7C%7D%7F')
    expect(encodeUrlText('é\ud800')).toBe('%C3%A9%EF%BF%BD')
  })
})

test('encodeSegment encodes everything that could end or escape a segment', () => {
  expect(encodeSegment("a/b?c#d%e f&g=h+i:j@k;l,m$n!o'p(q)r*s~t")).toBe(
    "a%2Fb%3Fc%23d%25e%20f%26g%3Dh%2Bi%3Aj%40k%3Bl%2Cm%24n!o'p(q)r*s~t",
  )
})

test('jsString is a JSON literal with <, >, &, U+2028/9 escaped; lone surrogates escaped', () => {
  expect(jsString('a"b\\c\n</script>&\u2028\u2029')).toBe(
    '"a\\"b\\\\c\\n\\u003c/script\\u003e\\u0026\\u2028\\u2029"',
  )
  expect(jsString('\ud800')).toBe('"\\ud800"')
  expect(JSON.parse(jsString('x<y>&\ud800'))).toBe('x<y>&\ud800')
})

test('percentDecode leaves malformed escapes as they are', () => {
  expect(percentDecode('a%20b')).toBe('a b')
  expect(percentDecode('100%')).toBe('100%')
  expect(percentDecode('%E0%A4%A')).toBe('%E0%A4%A')
})

describe('windowFeatures', () => {
  test('flags in order, sizes that are set, stripped over the flags it covers', () => {
    expect(windowFeatures({})).toBe('')
    expect(windowFeatures({ toolbar: 'yes', menubar: 0, resizable: true, status: 'no' })).toBe(
      'menubar=0,resizable=1,status=no,toolbar=yes',
    )
    expect(windowFeatures({ stripped: true, location: 'yes', width: 10, top: 0, left: 3 })).toBe(
      'location=0,status=0,toolbar=0,left=3,width=10',
    )
  })
})
