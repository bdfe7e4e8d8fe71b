import { describe, expect, test } from 'vitest'
import { authOidc } from './index.js'
import type { AuthOidcOptions } from './options.js'
import { sameOrigin } from './respond.js'

const good: AuthOidcOptions = {
  issuer: 'https://op.example.org',
  clientId: 'app',
  baseUrl: 'https://app.example.org',
}

describe('options', () => {
  test.each<[string, Partial<AuthOidcOptions> | null]>([
    ['options are required', null],
    ['issuer', { issuer: 'op.example.org' }],
    ['clientId', { clientId: '' }],
    ['baseUrl', { baseUrl: 'https://app.example.org/?x=1' }],
    ['needs clientSecret', { tokenEndpointAuth: 'client_secret_post' }],
    ['algorithms', { algorithms: ['none'] }],
    ['algorithms', { algorithms: ['HS256'] }],
    ['scope', { scope: ['a b'] }],
    ['callbackPath', { callbackPath: 'cb' }],
    ['at least 32 bytes', { secrets: ['short'] }],
    ['__Host-', { baseUrl: 'http://app.example.org', cookieName: '__Host-x' }],
    ['timeout', { timeout: 0 }],
    [
      'endpoints.token',
      { endpoints: { authorization: 'https://a/x', token: 'nope', jwks: 'https://a/j' } },
    ],
  ])('a bad %s throws a TypeError naming the package', (what, change) => {
    const options = change === null ? (null as unknown as AuthOidcOptions) : { ...good, ...change }
    expect(() => authOidc(options)).toThrow(TypeError)
    expect(() => authOidc(options)).toThrow(
      new RegExp(`@paste/auth-oidc: .*${what.replace(/[.]/g, '\\.')}`),
    )
  })
  test('the caller object is not changed', () => {
    const options = { ...good, scope: ['email'] }
    authOidc(options)
    expect(options).toEqual({ ...good, scope: ['email'] })
  })
})

describe('sameOrigin', () => {
  const base = 'https://app.example.org'
  test.each([
    ['/docs?x=1', `${base}/docs?x=1`],
    [`${base}/a`, `${base}/a`],
    ['a/b', `${base}/a/b`],
  ])('%s stays here', (value, expected) => expect(sameOrigin(base, value)).toBe(expected))
  test.each([
    '//evil.example',
    '/\\evil.example',
    'https://evil.example/',
    'http://app.example.org/',
    'javascript:alert(1)',
    'https://u:p@app.example.org/',
    '/a\tb',
    `/${'x'.repeat(2100)}`,
  ])('%s is refused', (value) => expect(sameOrigin(base, value)).toBeUndefined())
})
