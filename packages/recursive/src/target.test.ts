import { describe, expect, test } from 'vitest'
import { parseTarget } from './target.js'

describe('parseTarget', () => {
  test.each([
    ['/error', { pathInfo: '/error', search: undefined }],
    ['/error?code=404', { pathInfo: '/error', search: '?code=404' }],
    ['/error?', { pathInfo: '/error', search: '' }],
    ['/a/../../b', { pathInfo: '/b', search: undefined }],
    ['/%61', { pathInfo: '/a', search: undefined }],
  ])('%s', (path, expected) => {
    expect(parseTarget(path)).toEqual(expected)
  })

  test.each([
    '',
    'error',
    'http://evil.example/',
    '//evil.example/x',
    '/a#frag',
    '/%zz',
    '/a?b c',
    '/a?\r\nx',
  ])('rejects %j', (path) => {
    expect(parseTarget(path)).toBeNull()
  })
})
