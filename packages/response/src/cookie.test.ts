import { parseCookies } from '@paste/request'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { serializeCookie } from './cookie.js'
import { deleteCookie, setCookie } from './set-cookie.js'

describe('serializeCookie', () => {
  test('every attribute, in a stable order', () => {
    const expires = new Date('2030-01-02T03:04:05Z')
    expect(
      serializeCookie('sid', 'abc', {
        maxAge: 3600,
        domain: 'example.com',
        path: '/app',
        expires,
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
        partitioned: true,
        priority: 'High',
      }),
    ).toBe(
      'sid=abc; Max-Age=3600; Domain=example.com; Path=/app; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; Secure; SameSite=Strict; Partitioned; Priority=High',
    )
    expect(serializeCookie('a', '')).toBe('a=')
    expect(serializeCookie('a', '"quoted"')).toBe('a="quoted"')
  })
  test.each([
    ['', 'v', {}, /name/],
    ['a b', 'v', {}, /name/],
    ['a;b', 'v', {}, /name/],
    ['a=b', 'v', {}, /name/],
    ['a', 'x;y', {}, /value/],
    ['a', 'x\r\nSet-Cookie: evil=1', {}, /value/],
    ['a', 'x y', {}, /value/],
    ['a', 'x,y', {}, /value/],
    ['a', '"x', {}, /value/],
    ['a', 'é', {}, /value/],
    ['a', 'v', { path: 'relative' }, /path/],
    ['a', 'v', { path: '/x;Domain=evil' }, /path/],
    ['a', 'v', { path: '/x\n' }, /path/],
    ['a', 'v', { domain: 'evil.com; Secure' }, /domain/],
    ['a', 'v', { domain: '' }, /domain/],
    ['a', 'v', { maxAge: 1.5 }, /maxAge/],
    ['a', 'v', { maxAge: Number.NaN }, /maxAge/],
    ['a', 'v', { expires: new Date(Number.NaN) }, /expires/],
    ['a', 'v', { sameSite: 'lax' }, /sameSite/],
    ['a', 'v', { sameSite: 'None' }, /secure/],
    ['a', 'v', { partitioned: true }, /secure/],
    ['a', 'v', { priority: 'urgent' }, /priority/],
    ['a', 'x'.repeat(4096), {}, /4096/],
    ['a', 'v', { path: `/${'p'.repeat(1024)}` }, /path/],
    ['a', 'v', { domain: `${'a.'.repeat(127)}com` }, /domain/],
    ['__Secure-a', 'v', {}, /__Secure-/],
    ['__secure-a', 'v', {}, /__Secure-/],
    ['__Host-a', 'v', { secure: true }, /path/],
    ['__Host-a', 'v', { path: '/' }, /secure/],
    ['__Host-a', 'v', { secure: true, path: '/', domain: 'example.com' }, /domain/],
    ['__HOST-a', 'v', { secure: true, path: '/x' }, /__Host-/],
  ] as const)('rejects %j=%j %j', (name, value, options, message) => {
    expect(() => serializeCookie(name, value, options as never)).toThrow(TypeError)
    expect(() => serializeCookie(name, value, options as never)).toThrow(message)
  })
  test('accepts valid prefixed cookies', () => {
    expect(serializeCookie('__Host-sid', 'x', { secure: true, path: '/' })).toBe(
      '__Host-sid=x; Path=/; Secure',
    )
    expect(serializeCookie('__Secure-x', 'y', { secure: true, domain: '.example.com' })).toBe(
      '__Secure-x=y; Domain=.example.com; Secure',
    )
  })
  test('property: a valid pair serialises and parses back', () => {
    const name = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/)
    const value = fc.stringMatching(/^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]{0,20}$/)
    fc.assert(
      fc.property(name, value, fc.option(fc.integer(), { nil: undefined }), (n, v, maxAge) => {
        const line = serializeCookie(n, v, maxAge === undefined ? {} : { maxAge })
        const pair = line.split('; ')[0]!
        const parsed = parseCookies(pair).get(n)
        expect(parsed).toBe(
          v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v,
        )
      }),
    )
  })
  test('property: any string either throws a TypeError or yields a single header line without CR/LF', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (n, v, path) => {
        try {
          const line = serializeCookie(n, v, { path })
          expect(line).not.toMatch(/[\r\n\0]/)
          expect(line.split('; ')[0]).toBe(`${n}=${v}`)
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError)
        }
      }),
    )
  })
})

describe('setCookie and deleteCookie', () => {
  test('Set-Cookie values stay separate; same name/domain/path replaces', () => {
    const headers = new Headers()
    setCookie(headers, 'a', '1')
    setCookie(headers, 'b', '2', { httpOnly: true })
    setCookie(headers, 'a', '1', { path: '/other' })
    setCookie(headers, 'a', '3')
    expect(headers.getSetCookie()).toEqual([
      'b=2; Path=/; HttpOnly',
      'a=1; Path=/other',
      'a=3; Path=/',
    ])
    deleteCookie(headers, 'b')
    expect(headers.getSetCookie()).toEqual([
      'a=1; Path=/other',
      'a=3; Path=/',
      'b=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ])
  })
  test('deleting a prefixed cookie adds Secure', () => {
    const headers = deleteCookie(new Headers(), '__Host-sid')
    expect(headers.get('set-cookie')).toBe(
      '__Host-sid=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure',
    )
  })
  test('works on a response with immutable headers (a copy is returned)', async () => {
    const redirect = Response.redirect('http://h/next', 303)
    const out = setCookie(redirect, 'flash', 'saved')
    expect(out).not.toBe(redirect)
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('http://h/next')
    expect(out.headers.getSetCookie()).toEqual(['flash=saved; Path=/'])
    const mutable = new Response('x')
    expect(setCookie(mutable, 'a', 'b')).toBe(mutable)
  })
  test('an invalid cookie throws before anything is written', () => {
    const headers = new Headers()
    setCookie(headers, 'a', '1')
    expect(() => setCookie(headers, 'a', 'bad value')).toThrow(TypeError)
    expect(headers.getSetCookie()).toEqual(['a=1; Path=/'])
  })
})

describe('Set-Cookie is never folded', () => {
  test('property: n distinct cookies give n separate Set-Cookie values, in order', () => {
    const name = fc.stringMatching(/^[a-z]{1,6}$/)
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 8 }), (names) => {
        let response = Response.redirect('http://h/', 302)
        for (const n of names) response = setCookie(response, n, 'v', { expires: new Date(0) })
        expect(response.headers.getSetCookie()).toEqual(
          names.map((n) => `${n}=v; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT`),
        )
      }),
    )
  })
})
