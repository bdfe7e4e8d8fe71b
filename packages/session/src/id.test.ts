import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { createSessionId, isValidSessionId } from './id.js'

function fromBase64url(id: string): Uint8Array {
  const b64 = id.replace(/-/g, '+').replace(/_/g, '/')
  return Uint8Array.from(atob(`${b64}=`), (c) => c.charCodeAt(0))
}

describe('session ids', () => {
  test('are 43 base64url characters carrying 32 random bytes', () => {
    const id = createSessionId()
    expect(id).toHaveLength(43)
    expect(isValidSessionId(id)).toBe(true)
    expect(fromBase64url(id)).toHaveLength(32)
  })

  test('round-trip through standard base64 decoding', () => {
    for (let i = 0; i < 200; i++) {
      const id = createSessionId()
      const bytes = fromBase64url(id)
      const back = btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '')
      expect(back).toBe(id)
    }
  })

  test('do not repeat and use every bit (no fixed positions)', () => {
    const ids = new Set(Array.from({ length: 2000 }, createSessionId))
    expect(ids.size).toBe(2000)
    const seen = Array.from({ length: 43 }, () => new Set<string>())
    for (const id of ids) for (let i = 0; i < 43; i++) seen[i]!.add(id[i]!)
    for (let i = 0; i < 42; i++) expect(seen[i]!.size).toBeGreaterThan(40)
    expect(seen[42]!.size).toBe(16)
  })

  test.each([
    '',
    '../../etc/passwd',
    'a'.repeat(42),
    'a'.repeat(44),
    `${'a'.repeat(42)}b`, // last character must have its two low bits clear
    `${'a'.repeat(42)}=`,
    `${'a'.repeat(41)}/A`,
    `${'a'.repeat(41)}.A`,
    `${'a'.repeat(41)}%A`,
    `${'a'.repeat(42)}A\n`,
    `\u00e9${'a'.repeat(41)}A`,
  ])('reject %j', (value) => {
    expect(isValidSessionId(value)).toBe(false)
  })

  test('reject non-strings', () => {
    for (const value of [undefined, null, 42, {}, ['x']])
      expect(isValidSessionId(value)).toBe(false)
  })

  test('property: a valid id decodes to exactly 32 bytes and re-encodes to itself', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 43, maxLength: 43 }), (s) => {
        if (!isValidSessionId(s)) return true
        const bytes = fromBase64url(s)
        return bytes.length === 32
      }),
    )
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const id = btoa(String.fromCharCode(...bytes))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '')
        return isValidSessionId(id)
      }),
    )
  })
})
