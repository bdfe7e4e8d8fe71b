import { type Context, createContext } from '@paste/core'
import { describe, expect, test } from 'vitest'
import { cgiEnvironment, decodePath, type EnvSettings } from './env.js'

const settings: EnvSettings = {
  base: { PATH: '/usr/bin:/bin' },
  scriptFilename: '/srv/cgi/app.cgi',
  passAuthorization: false,
  allowEncodedSlashes: false,
  query: undefined,
  serverSoftware: 'test',
  serverProtocol: 'HTTP/1.1',
}

function envFor(
  url: string,
  init: RequestInit = {},
  change?: (c: Context) => Context,
  s = settings,
) {
  const request = new Request(url, init)
  let context = createContext(request, { remoteAddress: '192.0.2.1', remotePort: 4567 })
  if (change) context = change(context)
  return cgiEnvironment(request, context, s)
}

describe('meta-variables (RFC 3875 4.1)', () => {
  test('from the request and the context', () => {
    const result = envFor(
      'https://example.com:8443/cgi/app/a%20b/%C3%A9?x=1&y=%20',
      {
        method: 'POST',
        body: 'abc',
        headers: { 'content-type': 'text/plain', 'x-custom': 'v', accept: '*/*' },
      },
      (c) => c.shift('/cgi').shift('/app').derive({ remoteUser: 'alice', authType: 'Basic' }),
    )
    expect(result).toEqual({
      ok: true,
      env: {
        PATH: '/usr/bin:/bin',
        GATEWAY_INTERFACE: 'CGI/1.1',
        SERVER_SOFTWARE: 'test',
        SERVER_PROTOCOL: 'HTTP/1.1',
        SERVER_NAME: 'example.com',
        SERVER_PORT: '8443',
        REQUEST_METHOD: 'POST',
        REQUEST_SCHEME: 'https',
        REQUEST_URI: '/cgi/app/a%20b/%C3%A9?x=1&y=%20',
        SCRIPT_NAME: '/cgi/app',
        SCRIPT_FILENAME: '/srv/cgi/app.cgi',
        PATH_INFO: '/a b/é',
        QUERY_STRING: 'x=1&y=%20',
        REMOTE_ADDR: '192.0.2.1',
        REMOTE_HOST: '192.0.2.1',
        REMOTE_PORT: '4567',
        REMOTE_USER: 'alice',
        AUTH_TYPE: 'Basic',
        HTTPS: 'on',
        HTTP_HOST: 'example.com:8443',
        CONTENT_TYPE: 'text/plain',
        HTTP_ACCEPT: '*/*',
        HTTP_X_CUSTOM: 'v',
      },
    })
  })
  test('defaults: port from the scheme, empty QUERY_STRING, no user, IPv6 literal kept', () => {
    const result = envFor('http://[::1]/')
    if (!result.ok) throw new Error('expected an environment')
    expect(result.env.SERVER_NAME).toBe('[::1]')
    expect(result.env.SERVER_PORT).toBe('80')
    expect(result.env.QUERY_STRING).toBe('')
    expect(result.env.PATH_INFO).toBe('/')
    expect(result.env.SCRIPT_NAME).toBe('')
    expect(result.env).not.toHaveProperty('REMOTE_USER')
    expect(result.env).not.toHaveProperty('AUTH_TYPE')
    expect(result.env).not.toHaveProperty('HTTPS')
    expect(result.env).not.toHaveProperty('CONTENT_TYPE')
  })
  test('the query option is appended (Paste query_string)', () => {
    const result = envFor('http://h/?a=1', {}, undefined, { ...settings, query: 'mode=x' })
    expect(result.ok && result.env.QUERY_STRING).toBe('a=1&mode=x')
  })
})

describe('headers that never become variables', () => {
  test('Proxy (httpoxy), credentials, underscores, and the duplicated content headers', () => {
    const result = envFor('http://h/', {
      headers: {
        proxy: 'http://evil.example:8080',
        authorization: 'Basic YWxpY2U6c2VjcmV0',
        'proxy-authorization': 'Basic eA==',
        'x-forwarded-for': '10.0.0.1',
        x_forwarded_for: '6.6.6.6',
        'content-length': '0',
      },
    })
    if (!result.ok) throw new Error('expected an environment')
    expect(result.env).not.toHaveProperty('HTTP_PROXY')
    expect(result.env).not.toHaveProperty('HTTP_AUTHORIZATION')
    expect(result.env).not.toHaveProperty('HTTP_PROXY_AUTHORIZATION')
    expect(result.env).not.toHaveProperty('HTTP_CONTENT_LENGTH')
    expect(result.env.HTTP_X_FORWARDED_FOR).toBe('10.0.0.1')
  })
  test('Authorization only when asked; Proxy-Authorization never', () => {
    const result = envFor(
      'http://h/',
      { headers: { authorization: 'Bearer t', 'proxy-authorization': 'Basic eA==' } },
      undefined,
      { ...settings, passAuthorization: true },
    )
    expect(result.ok && result.env.HTTP_AUTHORIZATION).toBe('Bearer t')
    expect(result.ok && 'HTTP_PROXY_AUTHORIZATION' in result.env).toBe(false)
  })
  test('headers over 64 KiB together: 431', () => {
    const result = envFor('http://h/', {
      headers: { 'x-a': 'a'.repeat(40000), 'x-b': 'b'.repeat(40000) },
    })
    expect(result).toMatchObject({ ok: false, status: 431 })
  })
  test('a user name with NUL: 400', () => {
    expect(envFor('http://h/', {}, (c) => c.derive({ remoteUser: 'a\0b' }))).toMatchObject({
      ok: false,
      status: 400,
    })
  })
})

describe('decodePath', () => {
  test('decodes UTF-8 escapes', () => {
    expect(decodePath('/a%20b/%E2%82%AC', false)).toBe('/a b/€')
  })
  test('traversal stays data: an encoded dot-dot segment is decoded, not resolved', () => {
    expect(decodePath('/..%5C..%5Cetc', false)).toBe('/..\\..\\etc')
  })
  test('encoded slash: 404, or decoded when allowed', () => {
    expect(decodePath('/..%2F..%2Fetc%2Fpasswd', false)).toEqual({
      status: 404,
      reason: 'an encoded slash in the path',
    })
    expect(decodePath('/..%2f..%2fetc', true)).toBe('/../../etc')
  })
  test('NUL and invalid UTF-8: 400', () => {
    expect(decodePath('/a%00b', false)).toMatchObject({ status: 400 })
    expect(decodePath('/a%FFb', false)).toMatchObject({ status: 400 })
    expect(decodePath('/%C3', false)).toMatchObject({ status: 400 })
  })
})
