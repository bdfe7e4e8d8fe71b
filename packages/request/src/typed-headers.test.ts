import { describe, expect, test } from 'vitest'
import { parseCacheControl, parseContentLength } from './cache-control.js'
import { typedHeaders } from './typed-headers.js'

describe('parseCacheControl', () => {
  test('directives, values, quoting, first wins', () => {
    const cc = parseCacheControl(
      'Max-Age=60, no-cache="set-cookie, x", private, max-age=5, bad name=1, s-maxage="1',
    )
    expect([...cc]).toEqual([
      ['max-age', '60'],
      ['no-cache', 'set-cookie, x'],
      ['private', true],
    ])
    expect(parseCacheControl(null).size).toBe(0)
  })
})

describe('parseContentLength (RFC 9110 8.6)', () => {
  test.each([
    ['0', 0],
    ['1024', 1024],
    ['5, 5', 5],
    ['5,5', 5],
    ['1, 2', undefined],
    ['-1', undefined],
    ['+1', undefined],
    ['1 2', undefined],
    ['0x10', undefined],
    ['1e3', undefined],
    ['', undefined],
    ['9'.repeat(16), undefined],
  ])('%j -> %j', (header, expected) => {
    expect(parseContentLength(header)).toBe(expected)
  })
})

describe('typedHeaders', () => {
  test('reads every common header of a request', () => {
    const request = new Request('http://h/', {
      headers: {
        accept: 'text/html;q=0.5, application/json',
        'accept-charset': 'utf-8',
        'accept-encoding': 'gzip',
        'accept-language': 'fr, en;q=0.5',
        authorization: 'Basic dXNlcjpwYXNz',
        'proxy-authorization': 'Bearer t',
        'cache-control': 'no-cache',
        'content-type': 'text/plain; charset=utf-8',
        cookie: 'a=1',
        date: 'Sun, 06 Nov 1994 08:49:37 GMT',
        'if-match': '"a"',
        'if-none-match': 'W/"b"',
        'if-modified-since': 'Sun, 06 Nov 1994 08:49:37 GMT',
        'if-unmodified-since': 'garbage',
        'if-range': '"etag"',
        range: 'bytes=0-9',
        referer: 'http://r/',
        'user-agent': 'test',
      },
    })
    const h = typedHeaders(request)
    expect(h.accept.map((e) => e.value)).toEqual(['application/json', 'text/html'])
    expect(h.acceptCharset[0]?.value).toBe('utf-8')
    expect(h.acceptEncoding[0]?.value).toBe('gzip')
    expect(h.acceptLanguage.map((e) => e.value)).toEqual(['fr', 'en'])
    expect(h.authorization).toEqual({ scheme: 'basic', token68: 'dXNlcjpwYXNz' })
    expect(h.proxyAuthorization).toEqual({ scheme: 'bearer', token68: 't' })
    expect(h.cacheControl.get('no-cache')).toBe(true)
    expect(h.contentType?.params.charset).toBe('utf-8')
    expect(h.contentLength).toBeUndefined()
    expect(h.cookies.get('a')).toBe('1')
    expect(h.date?.toISOString()).toBe('1994-11-06T08:49:37.000Z')
    expect(h.ifMatch.tags).toEqual([{ weak: false, tag: '"a"' }])
    expect(h.ifNoneMatch.tags).toEqual([{ weak: true, tag: '"b"' }])
    expect(h.ifModifiedSince?.getTime()).toBe(784111777000)
    expect(h.ifUnmodifiedSince).toBeUndefined()
    expect(h.ifRange).toEqual({ weak: false, tag: '"etag"' })
    expect(h.range(100)).toEqual([{ start: 0, end: 9 }])
    expect([h.referer, h.userAgent]).toEqual(['http://r/', 'test'])
  })
  test('If-Range as a date; missing headers', () => {
    const h = typedHeaders(
      new Headers({ 'if-range': 'Sun, 06 Nov 1994 08:49:37 GMT', 'content-length': '12' }),
    )
    expect(h.ifRange).toBeInstanceOf(Date)
    expect(h.contentLength).toBe(12)
    const empty = typedHeaders(new Headers())
    expect([empty.ifRange, empty.authorization, empty.referer, empty.range(10)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ])
    expect(empty.ifNoneMatch).toEqual({ any: false, tags: [] })
  })
})
