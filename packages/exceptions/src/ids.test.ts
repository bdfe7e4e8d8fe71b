import { describe, expect, test } from 'vitest'
import { incidentId, signatureOf } from './ids.js'
import type { ErrorEntry, ReportFrame } from './report.js'

const frame = (fn: string, line: number, extra: Partial<ReportFrame> = {}): ReportFrame => ({
  function: fn,
  file: '/srv/app.js',
  line,
  column: 1,
  internal: false,
  dependency: false,
  raw: '',
  ...extra,
})
const entry = (message: string, frames: ReportFrame[], name = 'Error'): ErrorEntry => ({
  relation: 'thrown',
  depth: 0,
  name,
  message,
  properties: {},
  frames,
  stack: '',
})

describe('signatureOf', () => {
  const base = [frame('handler', 10), frame('catchErrors', 5), frame('caller', 1)]

  test('ignores messages, frames below the middleware, runtime and dependency frames', () => {
    const s = signatureOf([entry('id 1', base)])
    expect(s).toMatch(/^E-[0-9A-F]{16}$/)
    expect(signatureOf([entry('id 2', base)])).toBe(s)
    expect(
      signatureOf([
        entry('x', [frame('handler', 10), frame('catchErrors', 5), frame('other', 99)]),
      ]),
    ).toBe(s)
    const noisy = [
      frame('tick', 1, { internal: true }),
      frame('handler', 10),
      frame('lib', 3, { dependency: true }),
    ]
    expect(signatureOf([entry('x', [...noisy, frame('catchErrors', 5)])])).toBe(s)
  })

  test('differs by error name, by line, and by cause chain', () => {
    const s = signatureOf([entry('x', base)])
    expect(signatureOf([entry('x', base, 'TypeError')])).not.toBe(s)
    expect(signatureOf([entry('x', [frame('handler', 11), ...base.slice(1)])])).not.toBe(s)
    expect(
      signatureOf([entry('x', base), { ...entry('y', base), relation: 'cause', depth: 1 }]),
    ).not.toBe(s)
  })

  test('without frames (a thrown string), the message tells errors apart', () => {
    expect(signatureOf([entry('a', [])])).not.toBe(signatureOf([entry('b', [])]))
  })
})

test('incident ids are random UUIDs', () => {
  const ids = new Set(Array.from({ length: 100 }, incidentId))
  expect(ids.size).toBe(100)
  for (const id of ids)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
})
