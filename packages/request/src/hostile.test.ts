/*
 * The ReDoS guard: every header parser gets 64 KiB adversarial inputs (long runs of the
 * characters its grammar treats specially, unterminated quotes, escape runs, separators) and
 * must finish each well under 50 ms. Timed assertions are used only here, with a generous
 * bound: a quadratic or exponential parser takes seconds on these inputs, a linear one about
 * a millisecond. A fast-check property checks that no parser throws on any string.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { bestOf } from '../test/timing.js'
import { parseAccept } from './accept.js'
import { parseAuthorization } from './authorization.js'
import { parseCacheControl, parseContentLength } from './cache-control.js'
import { parseContentType } from './content-type.js'
import { parseCookies } from './cookies.js'
import { negotiateEncoding } from './encoding.js'
import { parseETagList } from './etag.js'
import { parseHttpDate } from './http-date.js'
import { negotiateLanguage, negotiateMediaType } from './negotiate.js'
import { parseQuery } from './query.js'
import { parseRange } from './range.js'

const SIZE = 64 * 1024
const fill = (unit: string, prefix = '') =>
  prefix +
  unit.repeat(Math.ceil((SIZE - prefix.length) / unit.length)).slice(0, SIZE - prefix.length)

const parsers: Record<string, (header: string) => unknown> = {
  parseAccept,
  parseAuthorization,
  parseCacheControl,
  parseContentLength,
  parseContentType,
  parseCookies,
  parseETagList,
  parseHttpDate,
  parseQuery,
  parseRange: (h) => parseRange(h, 1e9),
  negotiateMediaType: (h) =>
    negotiateMediaType(h, ['text/html', 'application/json;v=1', 'image/*']),
  negotiateEncoding: (h) => negotiateEncoding(h, ['br', 'gzip', 'zstd']),
  negotiateLanguage: (h) => negotiateLanguage(h, ['en', 'en-GB', 'fr-CA']),
}

const inputs: Record<string, string> = {
  commas: fill(','),
  semicolons: fill(';'),
  equals: fill('='),
  quotes: fill('"'),
  backslashes: fill('\\'),
  'escaped quotes in a quoted string': fill('\\"', 'a="'),
  'quote-comma pairs': fill('",'),
  spaces: fill(' '),
  tabs: fill('\t', 'x'),
  'many params': fill(';a=1', 'text/html'),
  'many elements': fill('a/b;q=0.5,'),
  'q=0 wildcards': fill('*/*;q=0,'),
  'weak tags': fill('W/'),
  'token68 then junk': `${fill('A', 'Basic ').slice(0, -1)}!`,
  'auth params': fill('a=1,', 'Digest '),
  'auth params unterminated': fill('a="x\\",', 'Digest '),
  digits: fill('9'),
  'range specs': fill('0-1,', 'bytes='),
  'language subtags': fill('-a', 'en'),
  'cookie pairs': fill('a=b; '),
  percents: fill('%'),
  'non-ASCII': fill('é€'),
  'date-like': fill('Sun, 06 Nov 1994 08:49:37 GMT '),
}

describe('64 KiB adversarial headers parse in well under 50 ms', () => {
  for (const [name, parse] of Object.entries(parsers)) {
    test(name, () => {
      parse(inputs.commas!) // warm up the JIT once, as a long-running server would be
      for (const [label, input] of Object.entries(inputs)) {
        expect(input.length, label).toBe(SIZE)
        expect(
          bestOf(() => parse(input)),
          `${name} on ${label}`,
        ).toBeLessThan(50)
      }
    })
  }
})

describe('no parser throws', () => {
  test('property: any string, any parser', () => {
    const alphabet = fc.constantFrom(...'",;=\\ \t/*-W.q0123456789aAbé%'.split(''))
    const headerish = fc.array(alphabet, { maxLength: 200 }).map((cs) => cs.join(''))
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), headerish), (header) => {
        for (const parse of Object.values(parsers)) parse(header)
      }),
      { numRuns: 500 },
    )
  })
})
