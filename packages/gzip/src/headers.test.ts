import { describe, expect, test } from 'vitest'
import { compressibleType, hasNoTransform, weakenETag } from './headers.js'

describe('gzip header decisions', () => {
  test('compressible types', () => {
    for (const t of [
      'text/html; charset=utf-8',
      'text/event-stream',
      'application/json',
      'application/problem+json',
      'image/svg+xml',
      'application/javascript',
      'application/vnd.api+json',
      'application/xml',
    ])
      expect(compressibleType(t), t).toBe(true)
    for (const t of [
      null,
      '',
      'image/png',
      'application/zip',
      'application/gzip',
      'video/mp4',
      'application/octet-stream',
      'font/woff2',
      'text',
    ])
      expect(compressibleType(t), String(t)).toBe(false)
  })
  test('no-transform', () => {
    expect(hasNoTransform('public, no-transform')).toBe(true)
    expect(hasNoTransform('No-Transform')).toBe(true)
    expect(hasNoTransform('no-transformx')).toBe(false)
    expect(hasNoTransform(null)).toBe(false)
  })
  test('strong ETags become weak, weak stay', () => {
    expect(weakenETag('"a"')).toBe('W/"a"')
    expect(weakenETag('W/"a"')).toBe('W/"a"')
  })
})
