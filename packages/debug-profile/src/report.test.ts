import { expect, test } from 'vitest'
import { type CpuProfile, formatReport, summarize } from './report.js'

const frame = (functionName: string, line = 0) => ({
  functionName,
  url: functionName.startsWith('(') ? '' : 'file:///srv/app/main.js',
  lineNumber: line,
  columnNumber: 0,
})

// root -> main -> fib -> fib (recursion) ; root -> (idle) ; main -> log
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5] },
    { id: 2, callFrame: frame('main', 9), children: [3, 6] },
    { id: 3, callFrame: frame('fib', 19), children: [4] },
    { id: 4, callFrame: frame('fib', 19) },
    { id: 5, callFrame: frame('(idle)') },
    { id: 6, callFrame: frame('', 29) },
  ],
  startTime: 0,
  // samples at t = 0, 100, 200, 300, 400 (µs); profile ends at 500
  samples: [4, 3, 2, 5, 6],
  timeDeltas: [0, 100, 100, 100, 100],
  endTime: 500,
}

test('self and total per function; recursion counted once; idle apart; callers', () => {
  const summary = summarize(profile, { cwd: '/srv' })
  expect(summary.sampled).toBe(500)
  expect(summary.idle).toBe(100)
  const byName = new Map(summary.functions.map((f) => [f.name, f]))
  expect(byName.get('fib')).toMatchObject({ self: 200, total: 200, location: 'app/main.js:20' })
  expect(byName.get('main')).toMatchObject({ self: 100, total: 400 })
  expect(byName.get('(anonymous)')).toMatchObject({ self: 100, total: 100 })
  expect(byName.has('(idle)')).toBe(false)
  expect(byName.has('(root)')).toBe(false)
  expect(byName.get('fib')!.callers).toEqual([{ name: 'main', time: 200 }])
  expect(summary.functions[0]!.name).toBe('fib') // by self time
  expect(summarize(profile, { sortBy: 'total' }).functions[0]!.name).toBe('main')
})

test('the text report: header, rows up to the limit, callers', () => {
  const text = formatReport(summarize(profile, { cwd: '/srv' }), 2, 'Profile of GET /')
  const lines = text.split('\n')
  expect(lines[0]).toBe('Profile of GET /: 0.50 ms sampled, 0.40 ms busy, 0.10 ms idle')
  expect(lines[3]).toBe('     0.20  50.0%      0.20  50.0%  fib (app/main.js:20)')
  expect(text).toContain('... 1 more functions')
  expect(text).toContain('  fib: main 0.20 ms')
})

test('an empty profile is a report, not a crash', () => {
  const empty = summarize({
    nodes: [{ id: 1, callFrame: frame('(root)') }],
    startTime: 0,
    endTime: 0,
  })
  expect(empty).toEqual({ sampled: 0, idle: 0, functions: [] })
  expect(formatReport(empty, 10, 'P')).toContain('P: 0.00 ms sampled')
})
