import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { planRanges } from './range.js'

const limits = { maxRanges: 16, allowOverlap: false }

describe('planRanges (RFC 9110 section 14)', () => {
  test('single, open and suffix ranges', () => {
    expect(planRanges('bytes=0-9', 100, limits)).toEqual({
      kind: 'ranges',
      ranges: [{ start: 0, end: 10 }],
    })
    expect(planRanges('bytes=90-', 100, limits)).toEqual({
      kind: 'ranges',
      ranges: [{ start: 90, end: 100 }],
    })
    expect(planRanges('bytes=-5', 100, limits)).toEqual({
      kind: 'ranges',
      ranges: [{ start: 95, end: 100 }],
    })
    expect(planRanges('BYTES = 1-1', 100, limits)).toEqual({
      kind: 'ranges',
      ranges: [{ start: 1, end: 2 }],
    })
  })

  test('an end past the representation is clamped, not refused (unlike Paste)', () => {
    expect(planRanges('bytes=0-101', 100, limits)).toEqual({
      kind: 'ranges',
      ranges: [{ start: 0, end: 100 }],
    })
    expect(planRanges('bytes=-500', 100, limits)).toEqual({
      kind: 'ranges',
      ranges: [{ start: 0, end: 100 }],
    })
    expect(planRanges('bytes=5-99999999999999', 100, limits)).toEqual({
      kind: 'ranges',
      ranges: [{ start: 5, end: 100 }],
    })
  })

  test('no satisfiable range is a 416', () => {
    expect(planRanges('bytes=100-', 100, limits).kind).toBe('unsatisfiable')
    expect(planRanges('bytes=200-300', 100, limits).kind).toBe('unsatisfiable')
    expect(planRanges('bytes=-0', 100, limits).kind).toBe('unsatisfiable')
    expect(planRanges('bytes=200-300, 0-0', 100, limits)).toEqual({
      kind: 'ranges',
      ranges: [{ start: 0, end: 1 }],
    })
  })

  test('invalid syntax and other units are ignored', () => {
    for (const h of [
      'bytes=5-1',
      'bytes=a-b',
      'bytes=',
      'items=0-1',
      'bytes 0-1',
      'bytes=1-2-3',
      'bytes=--1',
      'x'.repeat(5000),
    ])
      expect(planRanges(h, 100, limits).kind, h).toBe('ignore')
    expect(planRanges(null, 100, limits).kind).toBe('ignore')
  })

  test('abuse (CVE-2011-3192): too many ranges or overlaps are ignored, so the answer is one 200', () => {
    const many = `bytes=${Array.from({ length: 17 }, (_, i) => `${i * 2}-${i * 2}`).join(',')}`
    expect(planRanges(many, 100, limits).kind).toBe('ignore')
    const apacheKiller = `bytes=0-,${Array.from({ length: 1300 }, (_, i) => `5-${i}`).join(',')}`
    expect(planRanges(apacheKiller, 100, limits).kind).toBe('ignore')
    expect(planRanges('bytes=0-10,5-20', 100, limits).kind).toBe('ignore')
    expect(planRanges('bytes=0-10,5-20', 100, { maxRanges: 16, allowOverlap: true }).kind).toBe(
      'ranges',
    )
    expect(planRanges('bytes=0-9,10-19', 100, limits).kind).toBe('ranges')
  })

  test('an empty representation ignores Range', () => {
    expect(planRanges('bytes=0-1', 0, limits).kind).toBe('ignore')
  })

  test('property: every planned range lies inside the representation and is non-empty', () => {
    const spec = fc.oneof(
      fc.tuple(fc.nat(300), fc.option(fc.nat(300))).map(([a, b]) => `${a}-${b ?? ''}`),
      fc.nat(300).map((n) => `-${n}`),
      fc.string({ maxLength: 6 }),
    )
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 20 }), fc.nat(250), (specs, size) => {
        const plan = planRanges(`bytes=${specs.join(',')}`, size, limits)
        if (plan.kind !== 'ranges') return
        expect(plan.ranges.length).toBeLessThanOrEqual(16)
        for (const r of plan.ranges) {
          expect(r.start).toBeGreaterThanOrEqual(0)
          expect(r.end).toBeLessThanOrEqual(size)
          expect(r.start).toBeLessThan(r.end)
        }
      }),
    )
  })
})
