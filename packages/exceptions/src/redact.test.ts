import { describe, expect, test } from 'vitest'
import { createRedactor, DEFAULT_SECRET_PATTERN, REDACTED } from './redact.js'

describe('createRedactor', () => {
  const redact = createRedactor(DEFAULT_SECRET_PATTERN, ['X-Internal-Ticket'])

  test('credentials, cookies, extra names and secret-looking names are hidden', () => {
    const headers = new Headers({
      authorization: 'Basic YWxpY2U6c2VjcmV0',
      'proxy-authorization': 'Bearer p',
      cookie: 'sid=abc',
      'x-internal-ticket': 't',
      'x-api-key': 'k',
      'x-auth-token': 'tok',
      accept: 'text/html',
      'user-agent': 'curl/8',
    })
    const out = Object.fromEntries(redact.headers(headers))
    for (const name of [
      'authorization',
      'proxy-authorization',
      'cookie',
      'x-internal-ticket',
      'x-api-key',
      'x-auth-token',
    ])
      expect(out[name]).toBe(REDACTED)
    expect(out.accept).toBe('text/html')
    expect(out['user-agent']).toBe('curl/8')
  })

  test('secret query values are hidden, others kept byte for byte', () => {
    expect(redact.url('http://h/p?q=a%20b&password=hunter2&access_token=x&x=1#f')).toBe(
      `http://h/p?q=a%20b&password=${encodeURIComponent(REDACTED)}&access_token=${encodeURIComponent(REDACTED)}&x=1#f`,
    )
    expect(redact.url('http://h/p')).toBe('http://h/p')
    // a malformed escape in a name does not throw
    expect(redact.url('http://h/?%zz=1&%70assword=s')).toBe(
      `http://h/?%zz=1&%70assword=${encodeURIComponent(REDACTED)}`,
    )
  })

  test('a global pattern gives the same answer every time', () => {
    const r = createRedactor(/token/gi)
    expect([r.isSecret('x-token'), r.isSecret('x-token'), r.isSecret('x-token')]).toEqual([
      true,
      true,
      true,
    ])
    expect(r.isSecret('accept')).toBe(false)
  })
})
