import { describe, expect, test } from 'vitest'
import type { ErrorReport } from './report.js'
import { throttleReporter } from './throttle.js'

const report = (signature: string): ErrorReport => ({
  incident: Math.random().toString(36),
  signature,
  time: new Date(0),
  phase: 'response',
  errors: [],
  request: {
    method: 'GET',
    url: 'http://h/',
    scriptName: '',
    pathInfo: '/',
    remoteAddress: '',
    headers: [],
  },
})

describe('throttleReporter', () => {
  test('identical signatures within the window are dropped and counted', () => {
    let t = 0
    const got: ErrorReport[] = []
    const r = throttleReporter(
      { report: (x) => void got.push(x) },
      { windowMs: 1000, now: () => t },
    )
    for (let i = 0; i < 1000; i++) r.report(report('E-A'))
    expect(got).toHaveLength(1)
    t = 999
    r.report(report('E-A'))
    expect(got).toHaveLength(1)
    t = 1000
    r.report(report('E-A'))
    expect(got).toHaveLength(2)
    expect(got[1]?.suppressed).toBe(1000)
    expect(got[0]?.suppressed).toBeUndefined()
  })

  test('different signatures pass, up to maxPerWindow per window', () => {
    let t = 0
    const got: string[] = []
    const r = throttleReporter(
      { report: (x) => void got.push(x.signature) },
      { windowMs: 100, maxPerWindow: 3, now: () => t },
    )
    for (const s of ['a', 'b', 'c', 'd', 'e']) r.report(report(s))
    expect(got).toEqual(['a', 'b', 'c'])
    t = 100
    r.report(report('d'))
    expect(got).toEqual(['a', 'b', 'c', 'd'])
  })

  test('bad options throw a TypeError naming the package', () => {
    expect(() => throttleReporter({ report() {} }, { windowMs: -1 })).toThrow(
      /@paste\/exceptions: windowMs/,
    )
    expect(() => throttleReporter({ report() {} }, { maxPerWindow: 0 })).toThrow(/maxPerWindow/)
  })
})
