import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseBasicAuthorization } from './parse.js'

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')

describe('parseBasicAuthorization', () => {
  test('decodes the RFC 7617 example', () => {
    expect(parseBasicAuthorization('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toEqual({
      user: 'Aladdin',
      password: 'open sesame',
    })
  })

  test('the scheme is case-insensitive; the password may contain colons', () => {
    expect(parseBasicAuthorization(`bAsIc ${b64('u:p:q')}`)).toEqual({ user: 'u', password: 'p:q' })
  })

  test('UTF-8 user and password (RFC 7617 section 2.1)', () => {
    expect(parseBasicAuthorization(`Basic ${b64('test:123£')}`)).toEqual({
      user: 'test',
      password: '123£',
    })
  })

  test('missing padding is tolerated', () => {
    expect(parseBasicAuthorization(`Basic ${b64('a:bc').replace(/=+$/, '')}`)).toEqual({
      user: 'a',
      password: 'bc',
    })
  })

  test.each([
    ['empty', ''],
    ['scheme only', 'Basic'],
    ['scheme and space', 'Basic '],
    ['not base64', 'Basic !!!!'],
    ['no colon', `Basic ${b64('nocolon')}`],
    ['another scheme', `Bearer ${b64('a:b')}`],
    ['not UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`],
    ['overlong UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xc0, 0xaf]).toString('base64')}`],
    ['control character in user', `Basic ${b64('a\u0001:b')}`],
    ['newline in password', `Basic ${b64('a:b\r\nX-Injected: 1')}`],
    ['NUL in password', `Basic ${b64('a:b\u0000')}`],
    ['padding in the middle', 'Basic YQ==YTpi'],
    ['bad length', 'Basic YTpiY'],
    ['too much padding', 'Basic YTo===='],
    ['two tokens', `Basic ${b64('a:b')} ${b64('c:d')}`],
    ['a comma list', `Basic ${b64('a:b')}, Basic ${b64('c:d')}`],
    ['oversized', `Basic ${b64(`a:${'x'.repeat(5000)}`)}`],
  ])('rejects %s', (_name, header) => {
    expect(parseBasicAuthorization(header)).toBeUndefined()
  })

  test('never throws, whatever the header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseBasicAuthorization(s)
        parseBasicAuthorization(`Basic ${s}`)
      }),
    )
  })

  test('round-trips any user without colon or control characters', () => {
    const safe = fc
      .string({ unit: 'grapheme', maxLength: 40 })
      .filter((s) => !/[:\u0000-\u001f\u007f]/.test(s))
    const pass = fc
      .string({ unit: 'grapheme', maxLength: 40 })
      .filter((s) => !/[\u0000-\u001f\u007f]/.test(s))
    fc.assert(
      fc.property(safe, pass, (user, password) => {
        expect(parseBasicAuthorization(`Basic ${b64(`${user}:${password}`)}`)).toEqual({
          user,
          password,
        })
      }),
    )
  })
})
