import { bestOf } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { CgiOutputError, HeadParser } from './head.js'

const bytes = (s: string) => Buffer.from(s, 'latin1')

function parse(output: string | string[], max = 1024) {
  const parser = new HeadParser(max)
  for (const chunk of typeof output === 'string' ? [output] : output) {
    const done = parser.push(bytes(chunk))
    if (done) return { head: done.head, rest: Buffer.from(done.rest).toString('latin1') }
  }
  return parser.end()
}

describe('valid heads', () => {
  test('LF and CRLF line ends, Status, Location, fields in order', () => {
    const { head, rest } = parse(
      'Content-Type: text/html\r\nStatus: 404 Not Here\nX-A:  1 \n\nbody\n',
    )
    expect(head.status).toEqual({ code: 404, reason: 'Not Here' })
    expect(head.location).toBeUndefined()
    expect(head.fields).toEqual([
      ['content-type', 'text/html'],
      ['x-a', '1'],
    ])
    expect(rest).toBe('body\n')
  })
  test('split across many chunks, even inside a CRLF', () => {
    const { head, rest } = parse(['Loc', 'ation: /x\r', '\n', '\r', '\nrest'])
    expect(head.location).toBe('/x')
    expect(rest).toBe('rest')
  })
  test('a Status without a reason phrase', () => {
    expect(parse('Status: 204\n\n').head.status).toEqual({ code: 204, reason: '' })
  })
  test('obs-text bytes in a value are kept as latin1', () => {
    expect(parse('X-Name: caf\xc3\xa9\n\n').head.fields[0]).toEqual(['x-name', 'caf\xc3\xa9'])
  })
  test('the body may contain anything', () => {
    expect(parse('Content-Type: x\n\n\r\n\0\r').rest).toBe('\r\n\0\r')
  })
})

describe('refused output (502)', () => {
  const refused: [string, string, RegExp][] = [
    ['no blank line', 'Content-Type: text/plain\n', /ended before the blank line/],
    ['nothing', '', /no output/],
    ['plain text', 'hey you!\n\n', /without a colon/],
    ['bare CR splitting a value', 'X-A: 1\rSet-Cookie: evil=1\n\n', /CR inside/],
    ['folded line', 'X-A: 1\n  more\n\n', /folded/],
    ['NUL', 'X-A: a\0b\n\n', /control characters/],
    ['escape byte', 'X-A: \x1b[2J\n\n', /control characters/],
    ['bad name', 'X A: 1\n\n', /not a token/],
    ['empty name', ': 1\n\n', /not a token/],
    ['status 1xx', 'Status: 101 Switching\n\n', /200-599/],
    ['status text', 'Status: ok\n\n', /200-599/],
    ['status 600', 'Status: 600 x\n\n', /200-599/],
    ['two statuses', 'Status: 200 OK\nStatus: 302 Found\n\n', /two Status/],
    ['two locations', 'Location: /a\nLocation: /b\n\n', /two Location/],
  ]
  for (const [name, output, reason] of refused)
    test(name, () => {
      expect(() => parse(output)).toThrow(CgiOutputError)
      expect(() => parse(output)).toThrow(reason)
    })
  test('a header block over the limit, even without any line end', () => {
    expect(() => parse(`X-A: ${'a'.repeat(2000)}`)).toThrow(/over 1024 bytes/)
    expect(() => parse(`X-A: ${'a'.repeat(600)}\nX-B: ${'b'.repeat(600)}\n\n`)).toThrow(/over 1024/)
  })
})

test('property: any output either fails as CgiOutputError or yields clean fields', () => {
  const byte = fc.constantFrom(...'\r\n\t :\0\x1b\xffAbz-/'.split(''))
  fc.assert(
    fc.property(fc.array(fc.string({ unit: byte, maxLength: 40 }), { maxLength: 6 }), (chunks) => {
      let result: ReturnType<typeof parse> | undefined
      try {
        result = parse(chunks.length > 0 ? chunks : [''])
      } catch (error) {
        expect(error).toBeInstanceOf(CgiOutputError)
        return
      }
      for (const [name, value] of result.head.fields) {
        expect(name).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/)
        expect(value).not.toMatch(/[\0\r\n\x1b]/)
        expect(value).not.toMatch(/^[ \t]|[ \t]$/)
      }
    }),
    { numRuns: 2000 },
  )
})

describe('long runs of blanks (a script echoing client input into a header)', () => {
  // A trailing-blank regex (`/[ \t]+$/`) rescans the run from every start: about 1.3 s for
  // this 60 KiB value on Node 20, blocking the event loop. A scan from both ends is linear.
  const value = `a${' \t'.repeat(30_000)}b`
  const output = `X-Echo: ${value}   \nContent-Type: text/plain\n\n`
  test('are kept inside a value and trimmed at its ends', () => {
    expect(parse(output, 65_536).head.fields[0]).toEqual(['x-echo', value])
    expect(parse(`X-Blank:${' '.repeat(60_000)}\n\n`, 65_536).head.fields[0]).toEqual([
      'x-blank',
      '',
    ])
  })
  test('parse in linear time: the fastest of 5 runs is well under 50 ms', () => {
    expect(bestOf(() => parse(output, 65_536))).toBeLessThan(50)
  })
})
