import { describe, expect, test } from 'vitest'
import { formatMountKey, parseMountKey, parsePathExpression } from './key.js'

describe('parseMountKey', () => {
  test.each([
    ['', { host: undefined, suffix: undefined, port: undefined, path: '' }],
    ['/', { host: undefined, suffix: undefined, port: undefined, path: '' }],
    ['/blog/', { host: undefined, suffix: undefined, port: undefined, path: '/blog' }],
    ['//blog//x', { host: undefined, suffix: undefined, port: undefined, path: '/blog/x' }],
    ['/%62log', { host: undefined, suffix: undefined, port: undefined, path: '/blog' }],
    [
      'http://Example.COM./admin',
      { host: 'example.com', suffix: undefined, port: undefined, path: '/admin' },
    ],
    [
      'https://example.com:8080',
      { host: 'example.com', suffix: undefined, port: '8080', path: '' },
    ],
    [
      'http://*.example.com/api',
      { host: undefined, suffix: '.example.com', port: undefined, path: '/api' },
    ],
    ['http://[::1]:3000/', { host: '[::1]', suffix: undefined, port: '3000', path: '' }],
    [
      'domain example.com port 8080 /path',
      { host: 'example.com', suffix: undefined, port: '8080', path: '/path' },
    ],
    [
      '/path domain example.com',
      { host: 'example.com', suffix: undefined, port: undefined, path: '/path' },
    ],
  ])('%j', (key, expected) => {
    expect(parseMountKey(key)).toEqual(expected)
  })

  test.each([
    ['blog', /start with \//],
    ['ftp://x/', /start with \//],
    ['/a%zz', /well formed/],
    ['http://exa mple.com/', /.*/],
    ['http://example.com:0/', /port/],
    ['http://example.com:99999/', /port/],
    ['http:///x', /domain/],
    ['domain', /followed/],
    ['port 80 /x', /needs a domain/],
    ['domain a.com domain b.com', /twice/],
    ['domain a.com /x /y', /more than one path/],
  ])('rejects %j', (key, message) => {
    expect(() => parseMountKey(key)).toThrow(TypeError)
    expect(() => parseMountKey(key)).toThrow(message)
  })

  test('parsePathExpression matches Paste for a bare path', () => {
    expect(parsePathExpression('/foobar').path).toBe('/foobar')
  })

  test('formatMountKey gives canonical keys', () => {
    expect(formatMountKey(parseMountKey('domain Example.com port 80 /x/'))).toBe(
      'http://example.com:80/x',
    )
    expect(formatMountKey(parseMountKey('http://*.x.org'))).toBe('http://*.x.org/')
    expect(formatMountKey(parseMountKey(''))).toBe('/')
  })
})
