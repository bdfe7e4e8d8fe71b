/*
 * Scenarios ported from Paste's tests/test_util/test_field_storage.py (the cgi module tests).
 * Browsers always send CRLF line ends (RFC 2046 5.1.1 requires them), so the bodies are
 * written with CRLF; Paste's FieldStorage also accepted bare LF, which readForm does not.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { RequestBodyError } from './error.js'
import { readForm } from './form.js'
import { parseQuery } from './query.js'

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n')
const post = (body: string | Uint8Array, type: string) =>
  new Request('http://h/', { method: 'POST', body, headers: { 'content-type': type } })

const BOUNDARY = '---------------------------721837373350705526688164684'
const POSTDATA = crlf(`-----------------------------721837373350705526688164684
Content-Disposition: form-data; name="id"

1234
-----------------------------721837373350705526688164684
Content-Disposition: form-data; name="title"


-----------------------------721837373350705526688164684
Content-Disposition: form-data; name="file"; filename="test.txt"
Content-Type: text/plain

Testing 123.

-----------------------------721837373350705526688164684
Content-Disposition: form-data; name="submit"

 Add\x20
-----------------------------721837373350705526688164684--
`)

describe('multipart (paste test_field_storage)', () => {
  const expectPostdata = async (body: string) => {
    const form = await readForm(post(body, `multipart/form-data; boundary=${BOUNDARY}`))
    expect([...form.keys()]).toEqual(['id', 'title', 'file', 'submit'])
    expect([form.get('id'), form.get('title'), form.get('submit')]).toEqual(['1234', '', ' Add '])
    const file = form.get('file') as File
    expect([file.name, file.type, await file.text()]).toEqual([
      'test.txt',
      'text/plain',
      'Testing 123.\r\n',
    ])
  }
  test('test_fieldstorage_multipart', () => expectPostdata(POSTDATA))
  test('test_fieldstorage_multipart_leading_whitespace', () => expectPostdata(`\r\n${POSTDATA}`))
  test('test_fieldstorage_multipart_maxline: long lines and a lone CR near the delimiter', async () => {
    const maxline = 1 << 15
    for (const content of [
      'x'.repeat(maxline),
      `${'x'.repeat(maxline)}\r`,
      `${'x'.repeat(maxline)}\r${'y'.repeat(maxline)}`,
    ]) {
      const data =
        crlf(`---123
Content-Disposition: form-data; name="upload"; filename="fake.txt"
Content-Type: text/plain

`) + `${content}\r\n---123--\r\n`
      const form = await readForm(post(data, 'multipart/form-data; boundary=-123'))
      expect(await (form.get('upload') as File).text()).toBe(content)
    }
  })
  test('test_fieldstorage_part_content_length: a part Content-Length is ignored', async () => {
    const data = crlf(`--JfISa01
Content-Disposition: form-data; name="submit-name"
Content-Length: 5

Larry
--JfISa01--`)
    expect(
      (await readForm(post(data, 'multipart/form-data; boundary=JfISa01'))).get('submit-name'),
    ).toBe('Larry')
  })
  test('test_field_storage_multipart_no_content_length', async () => {
    const data = crlf(`--MyBoundary
Content-Disposition: form-data; name="my-arg"; filename="foo"

Test

--MyBoundary--
`)
    const form = await readForm(
      new Request('http://h/', {
        method: 'POST',
        body: new Blob([data]).stream(),
        headers: { 'content-type': 'multipart/form-data; boundary=MyBoundary' },
        duplex: 'half',
      } as RequestInit),
    )
    expect((form.get('my-arg') as File).size).toBe(6)
  })
  test('W3C sample: a nested multipart/mixed part (deprecated by RFC 7578 4.3) stays raw text', async () => {
    const data = crlf(`--AaB03x
Content-Disposition: form-data; name="submit-name"

Larry
--AaB03x
Content-Disposition: form-data; name="files"
Content-Type: multipart/mixed; boundary=BbC04y

--BbC04y
Content-Disposition: file; filename="file1.txt"
Content-Type: text/plain

... contents of file1.txt ...
--BbC04y--
--AaB03x--
`)
    const form = await readForm(post(data, 'multipart/form-data; boundary=AaB03x'))
    expect(form.get('submit-name')).toBe('Larry')
    expect(form.get('files')).toContain('... contents of file1.txt ...')
  })
  test('POSTDATA_NON_ASCII: Latin-1 bytes and no close delimiter are a 400', async () => {
    const data = Uint8Array.from(
      crlf(
        `--${BOUNDARY}\nContent-Disposition: form-data; name="id"\n\n\xe7\xf1\x80\n--${BOUNDARY}--\n`,
      ),
      (c) => c.charCodeAt(0),
    )
    await expect(
      readForm(post(data, `multipart/form-data; boundary=${BOUNDARY}`)),
    ).rejects.toBeInstanceOf(RequestBodyError)
  })
  test('parse_header: quoted filenames with ; and escaped quotes', async () => {
    const data = crlf(`--b
Content-Disposition: form-data; name="files"; filename="fo\\"o;bar"

x
--b--`)
    expect(
      ((await readForm(post(data, 'multipart/form-data; boundary=b'))).get('files') as File).name,
    ).toBe('fo"o;bar')
  })
})

describe('urlencoded (paste parse_qsl cases)', () => {
  test.each([
    ['', []],
    ['=a', [['', 'a']]],
    ['b=a', [['b', 'a']]],
    ['b+=a', [['b ', 'a']]],
    ['a=b=a', [['a', 'b=a']]],
    ['a=+b=a', [['a', ' b=a']]],
    [
      'a=a+b&b=b+c',
      [
        ['a', 'a b'],
        ['b', 'b c'],
      ],
    ],
    [
      'a=a+b&a=b+a',
      [
        ['a', 'a b'],
        ['a', 'b a'],
      ],
    ],
    [
      'x=1&y=2.0&z=2-3.%2b0',
      [
        ['x', '1'],
        ['y', '2.0'],
        ['z', '2-3.+0'],
      ],
    ],
    [
      'group_id=5470&set=custom&_assigned_to=31392&SUBMIT=Browse',
      [
        ['group_id', '5470'],
        ['set', 'custom'],
        ['_assigned_to', '31392'],
        ['SUBMIT', 'Browse'],
      ],
    ],
  ])('%j', async (body, expected) => {
    expect([...(await readForm(post(body, 'application/x-www-form-urlencoded')))]).toEqual(expected)
  })
  test('property: a body readForm accepts parses as parseQuery does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(
            fc.string({ unit: 'grapheme', maxLength: 60 }),
            fc.stringMatching(/^[a-z=&+%0-9A-F?]{0,40}$/),
          )
          .filter((s) => !s.startsWith('?')), // parseQuery takes a search, whose ? it drops
        async (body) => {
          const form = await readForm(post(body, 'application/x-www-form-urlencoded')).catch(
            (e) => e,
          )
          if (form instanceof RequestBodyError) return // invalid UTF-8 after decoding: strict 400
          expect([...form]).toEqual([...parseQuery(body)])
        },
      ),
      { numRuns: 300 },
    )
  })
})
