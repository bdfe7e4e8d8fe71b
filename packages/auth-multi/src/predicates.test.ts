import { createContext } from '@paste/core'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { acceptsHtml, hasAuthorization, isBrowser, queryParameter } from './predicates.js'

const req = (headers: Record<string, string> = {}, url = 'http://localhost/') => {
  const request = new Request(url, { headers })
  return [request, createContext(request)] as const
}

describe('acceptsHtml', () => {
  test.each([
    ['text/html', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['TEXT/HTML;level=1', true],
    ['application/xhtml+xml;q=0.5', true],
    ['text/html;q=0', false],
    ['text/html; q=0.000', false],
    ['text/html;q=0.001', true],
    ['application/json', false],
    ['*/*', false],
    ['text/*', false],
    ['', false],
    [null, false],
  ])('%s -> %s', (accept, expected) => {
    expect(acceptsHtml(accept)).toBe(expected)
  })

  test('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => typeof acceptsHtml(s) === 'boolean'),
    )
    expect(acceptsHtml(`${'a/b;q=1,'.repeat(2000)}text/html`)).toBe(false) // oversized: ignored
  })
})

describe('isBrowser', () => {
  test('navigations and HTML Accept are browsers, API clients are not', () => {
    expect(isBrowser(...req({ 'sec-fetch-mode': 'navigate' }))).toBe(true)
    expect(isBrowser(...req({ accept: 'text/html' }))).toBe(true)
    expect(isBrowser(...req({ accept: 'application/json', 'sec-fetch-mode': 'cors' }))).toBe(false)
    expect(isBrowser(...req())).toBe(false)
  })
})

describe('hasAuthorization', () => {
  test.each([
    ['Basic YWxpY2U6c2VjcmV0', 'basic', true],
    ['BASIC YWxpY2U6c2VjcmV0', 'basic', true],
    ['Basic', 'basic', true],
    ['Basically x', 'basic', false],
    ['Digest username="a"', 'basic', false],
    ['Digest username="a"', 'Digest', true],
    ['', 'basic', false],
  ])('%s for %s -> %s', (header, scheme, expected) => {
    const headers: Record<string, string> = header ? { authorization: header } : {}
    expect(hasAuthorization(scheme)(...req(headers))).toBe(expected)
  })

  test('a scheme that is not a token is a configuration error', () => {
    expect(() => hasAuthorization('bad scheme')).toThrow(/@paste\/auth-multi: hasAuthorization/)
  })

  test('never throws on arbitrary header values', () => {
    const basic = hasAuthorization('basic')
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (value) => {
        let headers: Headers
        try {
          headers = new Headers({ authorization: value })
        } catch {
          return true // not a valid header value at all: no request can carry it
        }
        const request = new Request('http://localhost/', { headers })
        return typeof basic(request, createContext(request)) === 'boolean'
      }),
    )
  })
})

describe('queryParameter', () => {
  const digest = queryParameter('*authmeth', 'digest')
  test.each([
    ['/?*authmeth=digest', true],
    ['/?a=1&%2Aauthmeth=digest', true],
    ['/?*authmeth=digest2', false], // Paste's substring test said yes
    ['/?x=*authmeth=digest', false], // and here too
    ['/?*authmeth=form&*authmeth=digest', true],
    ['/', false],
    ['/?%ZZ=%', false],
  ])('%s -> %s', (url, expected) => {
    expect(digest(...req({}, `http://localhost${url}`))).toBe(expected)
  })
})
