import { expect, test } from 'vitest'
import { mergeHeaders } from './merge.js'

test('keeps what speaks about the error, replaces the representation, adds cookies', () => {
  const original = new Headers([
    ['www-authenticate', 'Basic realm="Foo"'],
    ['content-type', 'text/plain'],
    ['content-length', '9'],
    ['etag', '"e"'],
    ['set-cookie', 'a=1'],
    ['retry-after', '10'],
  ])
  const page = new Headers([
    ['content-type', 'text/html'],
    ['set-cookie', 'b=2'],
    ['retry-after', '20'],
  ])
  const merged = mergeHeaders(original, page)
  expect(merged.get('www-authenticate')).toBe('Basic realm="Foo"')
  expect(merged.get('content-type')).toBe('text/html')
  expect(merged.get('content-length')).toBeNull()
  expect(merged.get('etag')).toBeNull()
  expect(merged.get('retry-after')).toBe('20')
  expect(merged.getSetCookie()).toEqual(['a=1', 'b=2'])
})
