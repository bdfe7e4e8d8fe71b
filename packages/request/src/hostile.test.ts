/*
 * The ReDoS guard: every header parser gets 64 KiB adversarial inputs (long runs of the
 * characters its grammar treats specially, unterminated quotes, escape runs, separators) and
 * must finish each well under 50 ms. Timed assertions are used only here, with a generous
 * bound: a quadratic or exponential parser takes seconds on these inputs, a linear one about
 * a millisecond. A fast-check property checks that no parser throws on any string.
 */

import { bestOf } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseAccept } from './accept.js'
import { parseAuthorization, parseAuthParams } from './authorization.js'
import { parseCacheControl, parseContentLength } from './cache-control.js'
import { parseContentType } from './content-type.js'
import { getCookie, parseCookies } from './cookies.js'
import { negotiateEncoding } from './encoding.js'
import { RequestBodyError } from './error.js'
import { parseETag, parseETagList } from './etag.js'
import { parseHttpDate } from './http-date.js'
import { negotiateLanguage, negotiateMediaType } from './negotiate.js'
import { partInfo } from './part-headers.js'
import { parseQuery } from './query.js'
import { parseRange } from './range.js'
import { parseParameters } from './syntax.js'
import { typedHeaders } from './typed-headers.js'
import { pathInfoSplit } from './url.js'

const SIZE = 64 * 1024
const fill = (unit: string, prefix = '') =>
  prefix +
  unit.repeat(Math.ceil((SIZE - prefix.length) / unit.length)).slice(0, SIZE - prefix.length)

const parsers: Record<string, (header: string) => unknown> = {
  parseAccept,
  parseAuthorization,
  parseAuthParams,
  parseCacheControl,
  parseContentLength,
  parseContentType,
  parseCookies,
  parseETag,
  parseETagList,
  parseHttpDate,
  parseParameters,
  pathInfoSplit,
  getCookie: (h) => getCookie(new Request('http://h/', { headers: header('cookie', h) }), 'a'),
  // every typed accessor at once, each header holding the hostile value
  typedHeaders: (h) => {
    const names = ['accept', 'authorization', 'cache-control', 'content-length', 'content-type']
    const more = ['if-match', 'if-none-match', 'if-modified-since', 'if-range', 'range', 'date']
    const typed = typedHeaders(new Headers([...names, ...more].flatMap((n) => header(n, h))))
    const views: unknown[] = [typed.accept, typed.authorization, typed.cacheControl]
    views.push(typed.contentLength, typed.contentType, typed.ifMatch, typed.ifNoneMatch)
    views.push(typed.ifModifiedSince, typed.ifRange, typed.date, typed.range(1e9))
    return views
  },
  // multipart part headers (RFC 7578): a branded 400 is its answer to a malformed part
  partInfo: (h) => {
    try {
      return partInfo(`Content-Disposition: form-data; ${h}\r\nContent-Type: ${h}`)
    } catch (error) {
      if (error instanceof RequestBodyError && error.status === 400) return error
      throw error
    }
  },
  parseQuery,
  parseRange: (h) => parseRange(h, 1e9),
  negotiateMediaType: (h) =>
    negotiateMediaType(h, ['text/html', 'application/json;v=1', 'image/*']),
  negotiateEncoding: (h) => negotiateEncoding(h, ['br', 'gzip', 'zstd']),
  negotiateLanguage: (h) => negotiateLanguage(h, ['en', 'en-GB', 'fr-CA']),
}

// Headers refuses NUL, CR, LF and characters above U+00FF: such values never reach a parser
// through a Request.
function header(name: string, value: string): [string, string][] {
  return /[\0\r\n]|[^\0-\xff]/.test(value) ? [] : [[name, value]]
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
  'disposition params': fill('; name="a"', 'form-data'),
  'unterminated disposition value': fill('a', 'name="'),
  'ext-values': fill("'", "filename*=utf-8''"),
  'path segments': fill('/a'),
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
        // the same run ended by a character that breaks it (a backtracking matcher's worst case)
        const broken = `${input.slice(0, -1)}!`
        expect(
          bestOf(() => parse(broken)),
          `${name} on ${label} then '!'`,
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

describe('property: 64 KiB of any repeated header fragment parses in well under 50 ms', () => {
  // The table above lists the shapes we thought of; this lets fast-check pick the fragment
  // (1-6 characters of the grammar's special characters) and a prefix, and times every parser
  // on it repeated to 64 KiB. A run over the bound is re-timed (fastest of 5) before failing,
  // so a descheduled run on a busy machine does not fail the property, a super-linear one does.
  test('random fragments, every parser', () => {
    const special = fc.constantFrom(...'",;=\\ \t/*-W.q0a%()<>@:[]'.split(''))
    const fragment = fc.oneof(
      { arbitrary: special, weight: 2 },
      { arbitrary: fc.string({ unit: special, minLength: 2, maxLength: 6 }), weight: 1 },
    )
    const prefix = fc.constantFrom('', 'Basic ', 'Digest a="', 'bytes=', 'text/html;', 'W/"')
    const suffix = fc.constantFrom('', '!', '"', 'x', '\u00ff')
    fc.assert(
      fc.property(prefix, fragment, suffix, (start, unit, end) => {
        // a suffix that breaks the pattern makes a backtracking matcher try every split
        const input = fill(unit, start).slice(0, SIZE - end.length) + end
        for (const [name, parse] of Object.entries(parsers)) {
          const started = performance.now()
          parse(input)
          if (performance.now() - started < 50) continue
          expect(
            bestOf(() => parse(input)),
            `${name} on ${JSON.stringify([start, unit, end])}`,
          ).toBeLessThan(50)
        }
      }),
      { numRuns: 60 },
    )
  })
})
