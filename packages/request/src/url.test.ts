import { Context, createContext } from '@paste/core'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { constructUrl, pathInfoPop, pathInfoSplit, resolveRelativeUrl } from './url.js'

const ctx = (scriptName: string, pathInfo: string, search = '') =>
  new Context({ scheme: 'https', host: 'example.com:8443', scriptName, pathInfo, search })

describe('constructUrl', () => {
  test('all parts, and each part optional', () => {
    const c = ctx('/app', '/page', '?x=1')
    expect(constructUrl(c)).toBe('https://example.com:8443/app/page?x=1')
    expect(constructUrl(c, { withQuery: false })).toBe('https://example.com:8443/app/page')
    expect(constructUrl(c, { withPathInfo: false })).toBe('https://example.com:8443/app?x=1')
    expect(constructUrl(c, { pathInfo: '/other', search: 'y=2' })).toBe(
      'https://example.com:8443/app/other?y=2',
    )
    expect(constructUrl(c, { scriptName: '', search: '?' })).toBe('https://example.com:8443/page')
  })
  test('follows the context built from a request', () => {
    const c = createContext(new Request('http://h.test/a/b?q=1')).shift('/a')
    expect(constructUrl(c)).toBe('http://h.test/a/b?q=1')
    expect(constructUrl(c, { withPathInfo: false, withQuery: false })).toBe(c.applicationUrl)
  })
})

describe('pathInfoSplit and pathInfoPop (ported from paste.request doctests)', () => {
  test.each([
    ['', ['', '']],
    ['/', ['', '']],
    ['/a', ['a', '']],
    ['/a/', ['a', '/']],
    ['/1/2/3', ['1', '/2/3']],
    ['//1/2', ['1', '/2']],
  ])('split %j', (pathInfo, expected) => {
    expect(pathInfoSplit(pathInfo)).toEqual(expected)
  })
  test('pop moves one segment and leaves the original context alone', () => {
    const c = ctx('/foo', '/bar')
    const [seg, inner] = pathInfoPop(c)
    expect([seg, inner.scriptName, inner.pathInfo]).toEqual(['bar', '/foo/bar', ''])
    expect([c.scriptName, c.pathInfo]).toEqual(['/foo', '/bar'])
    const [none, same] = pathInfoPop(inner)
    expect(none).toBeUndefined()
    expect(same).toBe(inner)
    const [first, rest] = pathInfoPop(ctx('', '/1/2/3'))
    expect([first, rest.scriptName, rest.pathInfo]).toEqual(['1', '/1', '/2/3'])
    const [empty, slash] = pathInfoPop(ctx('/foo/bar', '/'))
    expect([empty, slash.scriptName, slash.pathInfo]).toEqual(['', '/foo/bar', ''])
  })
  test('segments stay percent-encoded', () => {
    const [seg] = pathInfoPop(createContext(new Request('http://h/a%2Fb/c')))
    expect(seg).toBe('a%2Fb')
  })
  test('property: popping until undefined rebuilds the path', () => {
    const segment = fc.stringMatching(/^[a-z0-9%.]{1,5}$/)
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (segments, slash) => {
        const pathInfo = segments.length ? `/${segments.join('/')}${slash ? '/' : ''}` : ''
        let c = ctx('', pathInfo)
        const seen: string[] = []
        for (let i = 0; i < 20; i++) {
          const [seg, next] = pathInfoPop(c)
          if (seg === undefined) break
          seen.push(seg)
          c = next
        }
        expect(seen.filter((s) => s !== '')).toEqual(segments)
        expect(c.pathInfo).toBe('')
        expect(c.scriptName).toBe(segments.length ? `/${segments.join('/')}` : '')
      }),
    )
  })
})

describe('resolveRelativeUrl', () => {
  const c = ctx('/app', '/admin/x', '?q=1')
  test.each([
    ['../login', 'https://example.com:8443/app/login'],
    ['y', 'https://example.com:8443/app/admin/y'],
    ['/root', 'https://example.com:8443/root'],
    ['?z=2', 'https://example.com:8443/app/admin/x?z=2'],
    ['http://other.test/a', 'http://other.test/a'],
    ['//evil.test/', 'https://evil.test/'],
  ])('%s', (url, expected) => {
    expect(resolveRelativeUrl(url, c)).toBe(expected)
  })
  test('unresolvable URLs throw a TypeError', () => {
    expect(() => resolveRelativeUrl('http://[', c)).toThrow(TypeError)
  })
})
