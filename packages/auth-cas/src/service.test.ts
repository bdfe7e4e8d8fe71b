import { Context } from '@paste/core'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { checkBase, endpoint, serviceUrl, splitTicket } from './service.js'

describe('splitTicket', () => {
  test.each([
    ['', undefined, ''],
    ['?', undefined, ''],
    ['?x=1', undefined, '?x=1'],
    ['?ticket=ST-abc', 'ST-abc', ''],
    ['?ticket=ST-abc&x=1', 'ST-abc', '?x=1'],
    ['?x=1&ticket=PT-1-a.b_c~d&y=%20', 'PT-1-a.b_c~d', '?x=1&y=%20'],
    ['?x=1&ticket=ST%2Dabc', 'ST-abc', '?x=1'],
    ['?tickets=ST-1', undefined, '?tickets=ST-1'],
  ])('%s', (search, ticket, rest) => {
    expect(splitTicket(search)).toEqual({ ticket, rest })
  })

  test.each([
    '?ticket=',
    '?ticket',
    '?ticket=abc',
    '?ticket=ST-',
    '?ticket=ST-1&ticket=ST-2',
    '?ticket=ST-%ZZ',
    '?ticket=ST-a%0d%0aSet-Cookie:x',
    '?ticket=ST-a<script>',
    `?ticket=ST-${'a'.repeat(257)}`,
    '?ticket=PGT-1',
  ])('%s is malformed (null)', (search) => {
    expect(splitTicket(search).ticket).toBeNull()
  })

  test('never throws and never lets a bad ticket through', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const { ticket } = splitTicket(`?${s}`)
        return ticket == null || /^(?:ST|PT)-[A-Za-z0-9._~-]{1,256}$/.test(ticket)
      }),
    )
  })
})

describe('serviceUrl', () => {
  const at = (scriptName: string, pathInfo: string) =>
    new Context({ scheme: 'http', host: 'evil.example', scriptName, pathInfo })
  test('built from the base URL, never from the Host', () => {
    expect(serviceUrl('https://app.example.org', at('', '/docs/a%20b'), '?x=1')).toBe(
      'https://app.example.org/docs/a%20b?x=1',
    )
    expect(serviceUrl('https://app.example.org', at('', ''), '')).toBe('https://app.example.org/')
    expect(serviceUrl('https://app.example.org/pfx', at('/mnt', ''), '')).toBe(
      'https://app.example.org/pfx/mnt',
    )
  })
})

describe('endpoint', () => {
  test('URL-encodes every value', () => {
    expect(
      endpoint('https://cas/cas', '/validate', {
        service: 'https://a/b?x=1&y=2',
        ticket: 'ST-1&x=y',
        renew: undefined,
      }),
    ).toBe(
      'https://cas/cas/validate?service=https%3A%2F%2Fa%2Fb%3Fx%3D1%26y%3D2&ticket=ST-1%26x%3Dy',
    )
  })
})

describe('checkBase', () => {
  test('normalises and refuses bad URLs', () => {
    expect(checkBase('https://cas.example.org/cas/', 'server')).toBe('https://cas.example.org/cas')
    expect(checkBase('http://127.0.0.1:8000', 'server')).toBe('http://127.0.0.1:8000')
    for (const bad of [
      'cas.example.org',
      'ftp://x/',
      'https://x/?a=1',
      'https://u:p@x/',
      'javascript:alert(1)',
      '',
    ])
      expect(() => checkBase(bad, 'server'), bad).toThrow(/@paste\/auth-cas: server/)
  })
})
