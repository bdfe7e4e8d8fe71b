import { describe, expect, test } from 'vitest'
import { cachePolicy, contentDisposition } from './headers.js'

const pkg = '@paste/fileapp'

describe('Cache-Control and Expires (ported from test_fileapp.test_cache)', () => {
  test('directives in a stable order, Expires following max-age', () => {
    expect(cachePolicy({}, pkg)).toEqual({ cacheControl: 'public', expires: undefined })
    expect(cachePolicy({ private: true }, pkg)).toEqual({
      cacheControl: 'private',
      expires: 'past',
    })
    expect(cachePolicy({ noCache: true }, pkg).cacheControl).toBe('public, no-cache')
    expect(cachePolicy({ maxAge: 60, sMaxage: 30 }, pkg)).toEqual({
      cacheControl: 'public, max-age=60, s-maxage=30',
      expires: 60,
    })
    expect(
      cachePolicy({ private: true, maxAge: 60, noTransform: true, noStore: true }, pkg),
    ).toEqual({
      cacheControl: 'private, no-store, no-transform, max-age=60',
      expires: 'past',
    })
    expect(cachePolicy({ maxAge: 31536000, immutable: true }, pkg).cacheControl).toBe(
      'public, max-age=31536000, immutable',
    )
  })
  test('bad configuration throws naming the option', () => {
    expect(() => cachePolicy({ maxAge: -1 }, pkg)).toThrow(/@paste\/fileapp: cacheControl.maxAge/)
    expect(() => cachePolicy({ public: true, private: true }, pkg)).toThrow(TypeError)
    expect(() => cachePolicy('public\r\nX: y', pkg)).toThrow(TypeError)
  })
})

describe('Content-Disposition (ported from test_fileapp.test_disposition)', () => {
  test('types and file names', () => {
    expect(contentDisposition({}, pkg)).toBe('attachment')
    expect(contentDisposition({ filename: 'bing.txt' }, pkg)).toBe(
      'attachment; filename="bing.txt"',
    )
    expect(contentDisposition({ type: 'inline' }, pkg)).toBe('inline')
    expect(contentDisposition({ type: 'inline', filename: '/some/path/bing.txt' }, pkg)).toBe(
      'inline; filename="bing.txt"',
    )
    expect(contentDisposition({ filename: 'a "q".txt' }, pkg)).toBe(
      'attachment; filename="a \\"q\\".txt"',
    )
  })
  test('non-ASCII names get an RFC 8187 filename*', () => {
    expect(contentDisposition({ filename: 'résumé.pdf' }, pkg)).toBe(
      `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`,
    )
  })
  test('header injection and bad types throw', () => {
    expect(() => contentDisposition({ filename: 'a\r\nSet-Cookie: x=1' }, pkg)).toThrow(TypeError)
    expect(() => contentDisposition({ type: 'both' as 'inline' }, pkg)).toThrow(TypeError)
    expect(() => contentDisposition({ filename: '/dir/' }, pkg)).toThrow(TypeError)
  })
})
