/*
 * A V8 CPU profile (the Profiler domain's `Profile`, what Chrome DevTools loads as
 * .cpuprofile) summed up per function: self time, total time (each sample counted once per
 * function on its stack, so recursion is not counted twice), and the callers a function's
 * time came through. Rendered as a fixed-width text table, as Python's pstats prints.
 */
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The parts of a V8 CPU profile the report reads. */
export interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
    children?: number[]
  }[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

/** One function's line of the report (times in microseconds). */
export interface FunctionStats {
  name: string
  location: string
  self: number
  total: number
  /** Callers by the time that came through them, largest first. */
  callers: { name: string; time: number }[]
}

/** What {@link summarize} returns. */
export interface ProfileSummary {
  /** Sampled time, µs (wall time while the profiler ran). */
  sampled: number
  /** Of which the process was idle, µs (waiting for I/O, timers). */
  idle: number
  /** Functions by self time (or total, as asked), largest first. */
  functions: FunctionStats[]
}

// pseudo-frames V8 reports for time not spent in a JS function
const IDLE = '(idle)'

function where(url: string, line: number, cwd: string): string {
  if (url === '') return ''
  let file = url
  if (url.startsWith('file://')) {
    try {
      file = relative(cwd, fileURLToPath(url)) || url
    } catch {
      // not a local file URL: shown as given
    }
  }
  return `${file}:${line + 1}`
}

/**
 * Sums a profile up per function.
 *
 * @example
 * const summary = summarize(profile, { sortBy: 'self' })
 */
export function summarize(
  profile: CpuProfile,
  options: { sortBy?: 'self' | 'total'; cwd?: string } = {},
): ProfileSummary {
  const cwd = options.cwd ?? process.cwd()
  const parent = new Map<number, number>()
  const keyOf = new Map<number, string>()
  const stats = new Map<string, FunctionStats & { callerTimes: Map<string, number> }>()
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id)
    const frame = node.callFrame
    const name = frame.functionName || '(anonymous)'
    const location = where(frame.url, frame.lineNumber, cwd)
    const key = `${name}\u0000${location}`
    keyOf.set(node.id, key)
    if (!stats.has(key))
      stats.set(key, { name, location, self: 0, total: 0, callers: [], callerTimes: new Map() })
  }
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  let sampled = 0
  let idle = 0
  // a sample stands for the time until the next one (DevTools' reading); the last, until the end
  let at = profile.startTime
  for (let i = 0; i < samples.length; i++) at += deltas[i] ?? 0
  for (let i = 0; i < samples.length; i++) {
    const time = Math.max(0, i + 1 < samples.length ? (deltas[i + 1] ?? 0) : profile.endTime - at)
    sampled += time
    let id: number | undefined = samples[i]!
    const leaf = stats.get(keyOf.get(id)!)
    if (leaf === undefined) continue
    if (leaf.name === IDLE) {
      idle += time
      continue
    }
    leaf.self += time
    const stack: number[] = []
    for (; id !== undefined; id = parent.get(id)) stack.push(id)
    // from the root down: a function's time goes through the caller of its outermost frame,
    // and a recursive function is counted once
    const seen = new Set<string>()
    for (let depth = stack.length - 1; depth >= 0; depth--) {
      const key = keyOf.get(stack[depth]!)!
      if (seen.has(key)) continue
      seen.add(key)
      const entry = stats.get(key)!
      entry.total += time
      const caller = depth + 1 < stack.length ? stats.get(keyOf.get(stack[depth + 1]!)!) : undefined
      if (caller !== undefined && caller.name !== '(root)')
        entry.callerTimes.set(caller.name, (entry.callerTimes.get(caller.name) ?? 0) + time)
    }
  }
  const by = options.sortBy === 'total' ? 'total' : 'self'
  const functions = [...stats.values()]
    .filter((s) => s.name !== '(root)' && s.name !== IDLE && (s.self > 0 || s.total > 0))
    .sort((a, b) => b[by] - a[by] || b.total - a.total)
    .map(({ callerTimes, ...s }) => ({
      ...s,
      callers: [...callerTimes]
        .map(([name, time]) => ({ name, time }))
        .sort((a, b) => b.time - a.time),
    }))
  return { sampled, idle, functions }
}

const ms = (us: number) => (us / 1000).toFixed(2)
const pct = (part: number, whole: number) =>
  whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-'

/**
 * The report as text: a header line, then one row per function (at most `limit`), then the
 * callers of each of those functions.
 */
export function formatReport(summary: ProfileSummary, limit: number, title: string): string {
  const busy = summary.sampled - summary.idle
  const rows = summary.functions.slice(0, limit)
  const lines = [
    `${title}: ${ms(summary.sampled)} ms sampled, ${ms(busy)} ms busy, ${ms(summary.idle)} ms idle`,
    '',
    `${'self ms'.padStart(9)} ${'self'.padStart(6)} ${'total ms'.padStart(9)} ${'total'.padStart(6)}  function (location)`,
  ]
  for (const f of rows)
    lines.push(
      `${ms(f.self).padStart(9)} ${pct(f.self, busy).padStart(6)} ${ms(f.total).padStart(9)} ${pct(f.total, busy).padStart(6)}  ${f.name}${f.location ? ` (${f.location})` : ''}`,
    )
  if (summary.functions.length > rows.length)
    lines.push(`... ${summary.functions.length - rows.length} more functions`)
  lines.push('', 'called from (time through each caller):')
  for (const f of rows) {
    if (f.callers.length === 0) continue
    const callers = f.callers
      .slice(0, 3)
      .map((c) => `${c.name} ${ms(c.time)} ms`)
      .join(', ')
    lines.push(`  ${f.name}: ${callers}${f.callers.length > 3 ? ', ...' : ''}`)
  }
  return lines.join('\n')
}
