import { bestOf } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseAccept } from './accept.js'
import { negotiateEncoding } from './encoding.js'
import { negotiateLanguage, negotiateMediaType } from './negotiate.js'

describe('parseAccept (ported from paste tests/test_util/test_mimeparse.py)', () => {
  const one = (h: string) => {
    const [e] = parseAccept(h)
    return [e?.value, e?.params, e?.q]
  }
  test.each([
    ['application/*;q=0.5', ['application/*', {}, 0.5]],
    ['text/plain', ['text/plain', {}, 1]],
    ['*;q=', ['*', {}, 1]],
    ['*;q=-1', ['*', {}, 1]],
    ['*;q=foobar', ['*', {}, 1]],
    ['*;q=0.0001', ['*', {}, 0.0001]],
    ['*;q=1000.0', ['*', {}, 1]],
    ['*;q=0', ['*', {}, 0]],
    ['*;q=0.0000', ['*', {}, 0]],
    ['*;q=1e3', ['*', {}, 1]],
    ['image/gif; level=2; q=0.5', ['image/gif', { level: '2' }, 0.5]],
    ['application/xml ; q=2;b=other', ['application/xml', { b: 'other' }, 1]],
    [' *; q=.2', ['*', {}, 0.2]],
    ['Text/HTML;Level="1"', ['text/html', { level: '1' }, 1]],
  ])('%s', (header, expected) => {
    expect(one(header)).toEqual(expected)
  })
  test('sorted by q, stable among equals, q=0 kept', () => {
    const entries = parseAccept('a;q=0.5, b, c;q=0, d, e;q=0.5')
    expect(entries.map((e) => e.value)).toEqual(['b', 'd', 'a', 'e', 'c'])
    expect(parseAccept(null)).toEqual([])
    expect(parseAccept(', ,,')).toEqual([])
  })
})

describe('negotiateMediaType', () => {
  // paste best_match scenarios
  test.each([
    [['application/xbel+xml', 'text/xml'], 'text/*;q=0.5,*/*; q=0.1', 'text/xml'],
    [['application/xbel+xml', 'audio/mp3'], 'text/*;q=0.5,*/*; q=0.1', 'application/xbel+xml'],
    [['application/xbel+xml', 'audio/mp3'], 'text/*;q=0.5,*/mp3; q=0.1', 'audio/mp3'],
    [
      ['application/xbel+xml', 'text/plain', 'text/html'],
      'text/*;q=0.5,*/plain; q=0.1',
      'text/plain',
    ],
    [
      ['application/xbel+xml', 'text/html', 'text/xhtml'],
      'text/*;q=0.1,*/xhtml; q=0.5',
      'text/html',
    ],
    [
      ['application/xbel+xml', 'text/html', 'text/xhtml'],
      '*/html;q=0.1,*/xhtml; q=0.5',
      'text/xhtml',
    ],
    [['application/xbel+xml', 'application/xml'], 'application/xbel+xml', 'application/xbel+xml'],
    [
      ['application/xbel+xml', 'application/xml'],
      'application/xbel+xml; q=1',
      'application/xbel+xml',
    ],
    [['application/xbel+xml', 'application/xml'], 'application/xml; q=1', 'application/xml'],
    [['application/xbel+xml', 'application/xml'], 'application/*; q=1', 'application/xbel+xml'],
    [['application/xbel+xml', 'application/xml'], '*/*', 'application/xbel+xml'],
    [['application/xbel+xml', 'text/xml'], 'text/*;q=0.5,*/*; q=0.1', 'text/xml'],
    [
      ['application/json', 'text/html'],
      'application/json, text/javascript, */*',
      'application/json',
    ],
    [['application/json', 'text/html'], 'application/json, text/html;q=0.9', 'application/json'],
    [['image/*', 'application/xml'], 'image/png', 'image/*'],
    [['text/html', 'application/xml'], 'application/xml,*/*', 'application/xml'],
  ])('%j for %s', (available, accept, expected) => {
    expect(negotiateMediaType(accept, available)).toBe(expected)
  })
  test('paste test_mime_parsing via match_accept', () => {
    expect(negotiateMediaType('text/html', ['text/html', 'application/xml'])).toBe('text/html')
    expect(negotiateMediaType('application/xml', ['text/html', 'application/xml'])).toBe(
      'application/xml',
    )
  })
  test('q=0 excludes, even when a wildcard would accept', () => {
    expect(negotiateMediaType('*/*, text/html;q=0', ['text/html'])).toBeUndefined()
    expect(negotiateMediaType('*/*, text/html;q=0', ['text/html', 'text/plain'])).toBe('text/plain')
    expect(negotiateMediaType('text/*;q=0, text/plain', ['text/html', 'text/plain'])).toBe(
      'text/plain',
    )
    expect(negotiateMediaType('image/png', ['text/html'])).toBeUndefined()
  })
  test('the most specific range sets the quality (RFC 9110 12.5.1 example)', () => {
    const accept =
      'text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, text/plain;format=fixed;q=0.4, */*;q=0.5'
    const q = (type: string, rival: string) => negotiateMediaType(accept, [type, rival])
    expect(q('text/plain;format=flowed', 'text/plain')).toBe('text/plain;format=flowed') // 1 vs 0.7
    expect(q('text/plain', 'image/jpeg')).toBe('text/plain') // 0.7 vs 0.5
    expect(q('text/html', 'image/jpeg')).toBe('image/jpeg') // 0.3 vs 0.5
    expect(q('text/plain;format=fixed', 'text/html')).toBe('text/plain;format=fixed') // 0.4 vs 0.3
  })
  test('missing, empty or unparseable header accepts the first', () => {
    expect(negotiateMediaType(null, ['a/b', 'c/d'])).toBe('a/b')
    expect(negotiateMediaType('', ['a/b', 'c/d'])).toBe('a/b')
    expect(negotiateMediaType(',;,', ['a/b', 'c/d'])).toBe('a/b')
    expect(negotiateMediaType('text/html', [])).toBeUndefined()
  })
})

describe('negotiateEncoding (RFC 9110 12.5.3)', () => {
  test.each([
    [null, ['gzip'], 'identity'],
    ['', ['gzip'], 'identity'],
    ['gzip', ['br', 'gzip'], 'gzip'],
    ['gzip, deflate, br, zstd', ['br', 'gzip'], 'br'],
    ['gzip, deflate, br;q=0.5', ['br', 'gzip'], 'gzip'],
    ['gzip;q=0', ['gzip'], 'identity'],
    ['GZIP;Q=0.5', ['gzip'], 'gzip'],
    ['x-gzip', ['gzip'], 'gzip'],
    ['*', ['br', 'gzip'], 'br'],
    ['*;q=0', ['gzip'], undefined],
    ['*;q=0, identity', ['gzip'], 'identity'],
    ['identity;q=0', ['gzip'], undefined],
    ['identity;q=0, gzip', ['gzip'], 'gzip'],
    ['identity, gzip;q=0.5', ['gzip'], 'identity'],
    ['br;q=0.2, *;q=0.5', ['br'], 'identity'],
    ['gzip;q=0, *', ['gzip', 'br'], 'br'],
    ['deflate', ['gzip'], 'identity'],
    ['gzip', ['identity', 'gzip'], 'gzip'],
    ['gzip, identity', ['identity', 'gzip'], 'identity'],
  ])('%j with %j -> %j', (header, available, expected) => {
    expect(negotiateEncoding(header, available)).toBe(expected)
  })
})

describe('negotiateLanguage', () => {
  test('ports paste test_language_parsing', () => {
    const header = 'da, en-gb;q=0.8, en;q=0.7'
    expect(negotiateLanguage(header, ['en', 'da'])).toBe('da')
    expect(negotiateLanguage(header, ['en-us', 'en-gb'])).toBe('en-gb')
    expect(negotiateLanguage('en-gb;q=0.8, da, en;q=0.7', ['en', 'da'])).toBe('da')
    expect(negotiateLanguage('en-gb;q=0.8, da;q=0.1, en;q=0.7', ['en-US', 'en-GB'])).toBe('en-GB')
  })
  test('basic filtering, lookup fallback, q=0, *', () => {
    expect(negotiateLanguage('en', ['fr', 'en-GB'])).toBe('en-GB')
    expect(negotiateLanguage('en-gb', ['fr', 'en'])).toBe('en')
    expect(negotiateLanguage('fr, en;q=0.5', ['en', 'fr-CA'])).toBe('fr-CA')
    expect(negotiateLanguage('*, fr;q=0', ['fr', 'de'])).toBe('de')
    expect(negotiateLanguage('de', ['fr'])).toBeUndefined()
    expect(negotiateLanguage(null, ['fr', 'de'])).toBe('fr')
    expect(negotiateLanguage('en, fr', ['fr', 'en'])).toBe('en')
  })
})

describe('hostile Accept headers', () => {
  const hostile = [
    ','.repeat(65536),
    ';'.repeat(65536),
    `text/html;${'a='.repeat(32768)}`,
    `text/html;q="${'\\"'.repeat(32767)}`,
    'a/b;q=0.5,'.repeat(6553),
    '*/*;q=0,'.repeat(8192),
    `${'"'.repeat(65536)}`,
    `en-${'a-'.repeat(32767)}`,
  ]
  test.each(hostile.map((h, i) => [i, h]))('64 KiB input #%i negotiates quickly', (_, header) => {
    expect(bestOf(() => parseAccept(header))).toBeLessThan(50)
    expect(
      bestOf(() => negotiateMediaType(header, ['text/html', 'application/json', 'a/b'])),
    ).toBeLessThan(50)
    expect(bestOf(() => negotiateEncoding(header, ['br', 'gzip']))).toBeLessThan(50)
    expect(bestOf(() => negotiateLanguage(header, ['en', 'fr', 'en-a']))).toBeLessThan(50)
  })
  test('property: never throw; the choice is always one of the offers', () => {
    const offers = ['text/html', 'application/json', 'gzip', 'en', 'identity']
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.subarray(offers), (header, available) => {
        for (const choose of [negotiateMediaType, negotiateLanguage]) {
          const r = choose(header, available)
          if (r !== undefined) expect(available).toContain(r)
        }
        const e = negotiateEncoding(header, available)
        if (e !== undefined) expect([...available, 'identity']).toContain(e)
      }),
    )
  })
  test('property: a listed type with the highest q is chosen', () => {
    const type = fc.constantFrom('a/a', 'b/b', 'c/c', 'd/d')
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(type, fc.integer({ min: 1, max: 1000 })), {
          selector: ([t]) => t,
          minLength: 1,
        }),
        (entries) => {
          const header = entries.map(([t, q]) => `${t};q=${(q / 1000).toFixed(3)}`).join(', ')
          const best = Math.max(...entries.map(([, q]) => q))
          const chosen = negotiateMediaType(header, ['a/a', 'b/b', 'c/c', 'd/d'])
          expect(entries.find(([t]) => t === chosen)?.[1]).toBe(best)
        },
      ),
    )
  })
})

describe('negotiateEncoding properties', () => {
  const coding = fc.constantFrom('gzip', 'br', 'zstd', 'identity', '*')
  const q = fc.constantFrom(0, 0.1, 0.5, 1)
  const entries = fc.uniqueArray(fc.tuple(coding, q), { selector: ([c]) => c, maxLength: 5 })
  const available = fc.subarray(['br', 'gzip', 'zstd'])
  // q a coding gets from the header: its own entry, else `*`, else undefined (not listed)
  const weight = (list: [string, number][], c: string) =>
    list.find(([n]) => n === c)?.[1] ?? list.find(([n]) => n === '*')?.[1]
  test('never chooses a coding the header refuses; undefined only when everything is refused', () => {
    fc.assert(
      fc.property(entries, available, (list, offers) => {
        const header = list.map(([c, w]) => `${c};q=${w}`).join(', ')
        const chosen = negotiateEncoding(header, offers)
        const identityQ = weight(list, 'identity')
        const identityOk = identityQ === undefined ? true : identityQ > 0
        if (chosen === undefined) {
          expect(identityOk).toBe(false)
          for (const o of offers) expect(weight(list, o) ?? 0).toBe(0)
        } else if (chosen === 'identity') {
          expect(identityOk).toBe(true)
        } else {
          const w = weight(list, chosen) ?? 0
          expect(w).toBeGreaterThan(0)
          for (const o of offers) expect(weight(list, o) ?? 0).toBeLessThanOrEqual(w)
        }
      }),
    )
  })
})

describe('negotiateMediaType: parsed headers and offers are remembered', () => {
  const browser =
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
  test('the same header gives the same answer for different offers, again and again', () => {
    for (let i = 0; i < 3; i++) {
      expect(negotiateMediaType(browser, ['application/json', 'text/html'])).toBe('text/html')
      expect(negotiateMediaType(browser, ['application/json', 'application/xml'])).toBe(
        'application/xml',
      )
      expect(negotiateMediaType(browser, ['application/json'])).toBe('application/json')
      expect(negotiateMediaType('application/json;q=0', ['application/json'])).toBeUndefined()
    }
  })
  test('more distinct headers than the cache holds: every answer still right', () => {
    for (let i = 0; i < 600; i++) {
      const header = `text/x-${i};q=0.5, application/json;q=0.${(i % 9) + 1}`
      const want = (i % 9) + 1 > 5 ? 'application/json' : `text/x-${i}`
      expect(negotiateMediaType(header, [`text/x-${i}`, 'application/json'])).toBe(want)
    }
  })
  test('a very long header is parsed each time (not kept) and still answered', () => {
    const long = `${'text/x-y;q=0.1, '.repeat(100)}application/json`
    expect(negotiateMediaType(long, ['text/x-y', 'application/json'])).toBe('application/json')
    expect(negotiateMediaType(long, ['text/x-y'])).toBe('text/x-y')
  })
})
