import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { decodeExtValue, latin1ToUtf8, parseDigestParams } from './params.js'

describe('parseDigestParams', () => {
  test('the RFC 7616 section 3.9.1 example', () => {
    const header = `Digest username="Mufasa",
      realm="http-auth@example.org",
      uri="/dir/index.html",
      algorithm=SHA-256,
      nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
      nc=00000001,
      cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
      qop=auth,
      response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
      opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`.replace(/\n\s+/g, ' ')
    const params = parseDigestParams(header)!
    expect(params.get('username')).toBe('Mufasa')
    expect(params.get('algorithm')).toBe('SHA-256')
    expect(params.get('nc')).toBe('00000001')
    expect(params.get('opaque')).toBe('FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS')
    expect(params.size).toBe(10)
  })

  test('quoted-pairs, commas inside quotes, empty list elements, case-insensitive names', () => {
    const params = parseDigestParams('digest , USERNAME="a\\"b, c" ,, realm = "x\\\\y" ,')!
    expect(params.get('username')).toBe('a"b, c')
    expect(params.get('realm')).toBe('x\\y')
  })

  test('an empty parameter list is syntactically fine (and fails later)', () => {
    expect(parseDigestParams('Digest')?.size).toBe(0)
  })

  test.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['scheme glued to a word', 'Digestusername="a"'],
    ['a bare token', 'Digest foo'],
    ['a token68', 'Digest Zm9vYmFy=='],
    ['missing value', 'Digest foo='],
    ['missing name', 'Digest ="x"'],
    ['unterminated quote', 'Digest username="abc'],
    ['control character inside quotes', 'Digest username="a\u0001b"'],
    ['newline inside quotes', 'Digest username="a\nb"'],
    ['two params without a comma', 'Digest a=1 b=2'],
    ['a repeated parameter', 'Digest nonce="a", NONCE="b"'],
    ['too many parameters', `Digest ${Array.from({ length: 40 }, (_, i) => `p${i}=1`).join(',')}`],
    ['too long', `Digest username="${'a'.repeat(9000)}"`],
    ['non-Latin-1 character', 'Digest username="\u0100"'],
  ])('rejects %s', (_name, header) => {
    expect(parseDigestParams(header)).toBeUndefined()
  })

  test('never throws, whatever the header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        parseDigestParams(s)
        parseDigestParams(`Digest ${s}`)
      }),
    )
  })

  test('round-trips any quoted value', () => {
    const latin1 = fc
      .string({ maxLength: 50 })
      .map((s) => s.replace(/[^\t\u0020-\u007e\u0080-\u00ff]/g, 'x'))
    fc.assert(
      fc.property(latin1, (value) => {
        const quoted = `"${value.replace(/["\\]/g, '\\$&')}"`
        expect(parseDigestParams(`Digest v=${quoted}, w=1`)?.get('v')).toBe(value)
      }),
    )
  })
})

describe('user name encodings', () => {
  test('latin1ToUtf8 decodes UTF-8 bytes seen as Latin-1', () => {
    expect(latin1ToUtf8('plain')).toBe('plain')
    expect(latin1ToUtf8('j\u00c3\u00bcrgen')).toBe('jürgen')
    expect(latin1ToUtf8('\u00ff\u00fe')).toBeUndefined()
  })

  test('decodeExtValue (RFC 8187)', () => {
    expect(decodeExtValue("UTF-8''J%C3%A4s%C3%B8n%20Doe")).toBe('Jäsøn Doe')
    expect(decodeExtValue("utf-8'en'abc")).toBe('abc')
    expect(decodeExtValue("ISO-8859-1''abc")).toBeUndefined()
    expect(decodeExtValue("UTF-8''%FF")).toBeUndefined()
    expect(decodeExtValue("UTF-8''a b")).toBeUndefined()
  })
})
