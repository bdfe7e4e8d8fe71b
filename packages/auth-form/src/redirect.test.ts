import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { safeRedirect } from './redirect.js'

const ORIGIN = 'https://app.example.org'

describe('safeRedirect', () => {
  // quotes are URL characters: the page escapes them (see index.test.ts)
  test.each([
    '/',
    '/docs',
    '/docs/a%20b?x=1&y=%2F#top',
    '/a:b@c',
    "/it's",
    "/'onmouseover='x",
  ])('%s is kept', (value) => {
    expect(safeRedirect(value, ORIGIN)).toBe(value)
  })

  test.each([
    '//evil.example',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    '/%2fevil.example',
    '/%5Cevil.example',
    'https://evil.example/',
    'http://app.example.org/', // another origin: the scheme differs
    'https:evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    ' /docs',
    '/docs\nSet-Cookie: x=1',
    '/docs\r\nLocation: //evil',
    '/\tevil',
    '/"><script>alert(1)</script>',
    '/<svg>',
    'docs',
    '',
    `/${'a'.repeat(3000)}`,
    '/\u2028',
    '/é',
  ])('%j is refused', (value) => {
    expect(safeRedirect(value, ORIGIN)).toBeUndefined()
  })

  test.each([undefined, null, 42, ['/'], {}])('%j is refused', (value) => {
    expect(safeRedirect(value, ORIGIN)).toBeUndefined()
  })

  test('whatever it keeps resolves to the same origin and cannot break out of an attribute', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.webPath()), (value) => {
        const kept = safeRedirect(value, ORIGIN)
        if (kept === undefined) return true
        return (
          new URL(kept, ORIGIN).origin === ORIGIN &&
          !/[<>"\s\\]/.test(kept) &&
          !kept.startsWith('//')
        )
      }),
      { numRuns: 2000 },
    )
  })
})
