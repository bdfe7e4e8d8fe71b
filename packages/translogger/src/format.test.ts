import { describe, expect, test } from 'vitest'
import {
  type AccessLogEntry,
  apacheTime,
  formatCombined,
  formatCommon,
  formatJson,
} from './format.js'

const entry: AccessLogEntry = {
  time: new Date(Date.UTC(2000, 9, 10, 20, 55, 36)),
  remoteAddress: '192.0.2.7',
  remoteUser: 'frank',
  method: 'GET',
  target: '/apache_pb.gif?x=1',
  protocol: 'HTTP/1.0',
  status: 200,
  bytes: 2326,
  referer: 'http://www.example.com/start.html',
  userAgent: 'Mozilla/4.08 [en] (Win98; I ;Nav)',
  durationMs: 1.23456,
  outcome: 'complete',
}

describe('Apache formats', () => {
  test('the combined example of the Apache manual', () => {
    expect(formatCombined(entry, true)).toBe(
      '192.0.2.7 - frank [10/Oct/2000:20:55:36 +0000] "GET /apache_pb.gif?x=1 HTTP/1.0" 200 2326 ' +
        '"http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
    )
  })
  test('common; absent values are "-", zero bytes is "-"', () => {
    const bare = { ...entry, remoteUser: undefined, bytes: 0, referer: undefined }
    expect(formatCommon(bare, true)).toBe(
      '192.0.2.7 - - [10/Oct/2000:20:55:36 +0000] "GET /apache_pb.gif?x=1 HTTP/1.0" 200 -',
    )
    expect(formatCombined(bare, true)).toMatch(/ 200 - "-" "Mozilla/)
  })
  test('an incomplete body is marked at the end of the line', () => {
    expect(formatCombined({ ...entry, outcome: 'aborted' }, true)).toMatch(/Nav\)" aborted$/)
    expect(formatCommon({ ...entry, outcome: 'error' }, true)).toMatch(/ 2326 error$/)
  })
  test('local time carries its offset', () => {
    const local = apacheTime(entry.time)
    const offset = -entry.time.getTimezoneOffset()
    const sign = offset < 0 ? '-' : '+'
    expect(local).toMatch(/^\[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]$/)
    expect(local.slice(-6, -5)).toBe(sign)
  })
  test('a date near midnight in a non-UTC zone is shifted whole', () => {
    expect(apacheTime(new Date(Date.UTC(1999, 11, 31, 23, 59, 59)), true)).toBe(
      '[31/Dec/1999:23:59:59 +0000]',
    )
  })
})

describe('JSON', () => {
  test('every field, null for absent ones, one line', () => {
    const line = formatJson({ ...entry, referer: undefined, userAgent: 'a\u2028b\nc' })
    expect(line).not.toMatch(/[\n\u2028]/)
    expect(JSON.parse(line)).toEqual({
      time: '2000-10-10T20:55:36.000Z',
      remoteAddress: '192.0.2.7',
      remoteUser: 'frank',
      method: 'GET',
      target: '/apache_pb.gif?x=1',
      protocol: 'HTTP/1.0',
      status: 200,
      bytes: 2326,
      referer: null,
      userAgent: 'a\u2028b\nc',
      durationMs: 1.235,
      outcome: 'complete',
    })
  })
})
