import { normalizePath } from '@paste/core'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { isNormalPath, normalizePathInfo, splitHost } from './normalize.js'

describe('isNormalPath', () => {
  test.each([
    ['', true],
    ['/', true],
    ['/a/b/', true],
    ['/a%2Fb', true],
    ['/caf%C3%A9', true],
    ['/.well-known/x', true],
    ['/a..b', true],
    ['//a', false],
    ['/a/./b', false],
    ['/a/..', false],
    ['/%61', false],
    ['/a%2fb', false],
    ['/a b', false],
    ['/a%', false],
    ['a', false],
  ])('%j -> %j', (path, expected) => {
    expect(isNormalPath(path)).toBe(expected)
  })

  test('agrees with core: normal exactly when normalizePath leaves it unchanged', () => {
    const chars = fc.constantFrom('/', '.', '%', '2', 'F', 'f', 'a', '6', '1', ';', ' ', 'é', 'E')
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 24 }), (parts) => {
        const path = `/${parts.join('')}`
        expect(isNormalPath(path)).toBe(normalizePath(path) === path)
        const normal = normalizePathInfo(path)
        if (normal !== null) expect(isNormalPath(normal)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('splitHost', () => {
  test.each([
    ['example.com', 'http', ['example.com', '80']],
    ['example.com', 'https', ['example.com', '443']],
    ['EXAMPLE.com.:8080', 'http', ['example.com', '8080']],
    ['[::1]:3000', 'http', ['[::1]', '3000']],
    ['[::1]', 'https', ['[::1]', '443']],
    ['example.com:0080', 'http', ['example.com', '80']],
  ])('%s (%s)', (host, scheme, expected) => {
    expect(splitHost(host, scheme)).toEqual(expected)
  })
})
