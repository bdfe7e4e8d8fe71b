import { describe, expect, test } from 'vitest'
import { uriMatches } from './target.js'

describe('uriMatches', () => {
  const url = new URL('http://example.org:8080/dir/index.html?a=1&b=2')
  test.each([
    ['/dir/index.html?a=1&b=2', true],
    ['http://example.org:8080/dir/index.html?a=1&b=2', true],
    ['/dir/./index.html?a=1&b=2', true], // the same target once normalised
    ['/dir/index.html', false],
    ['/dir/index.html?a=1', false],
    ['/dir', false],
    ['/dir/index.html?a=1&b=2#frag', false],
    ['http://example.org/dir/index.html?a=1&b=2', false],
    ['https://example.org:8080/dir/index.html?a=1&b=2', false],
    ['//evil.example/dir/index.html?a=1&b=2', false],
    ['dir/index.html?a=1&b=2', false],
    ['*', false],
    ['', false],
    ['http://[bad', false],
  ])('%s -> %s', (uri, expected) => {
    expect(uriMatches(uri, url)).toBe(expected)
  })
})
