/*
 * Where the time goes when a goal is missed: the @paste server of that scenario is run
 * once more under `node --cpu-prof`, and the functions with the most self time are listed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { runWrk } from './wrk.mjs'

/** Self time per function from a .cpuprofile as a share of busy (non-idle) time, highest first. */
export function topFunctions(profile, limit = 15) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map()
  const deltas = profile.timeDeltas ?? []
  let total = 0
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)
    const dt = deltas[i] ?? 0
    const frame = node.callFrame
    if (frame.functionName === '(idle)') return
    total += dt
    const where = frame.url ? `${basename(frame.url)}:${frame.lineNumber + 1}` : ''
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim()
    self.set(key, (self.get(key) ?? 0) + dt)
  })
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, time]) => ({ name, share: total ? time / total : 0 }))
}

export async function profileServer({ scenario, dir, startServer, settle, wrkCpu, seconds }) {
  const out = mkdtempSync(join(tmpdir(), 'paste-prof-'))
  try {
    const state = await startServer('paste', scenario.name, dir, [
      '--cpu-prof',
      `--cpu-prof-dir=${out}`,
    ])
    if (!state.base) return { scenario: scenario.name, error: state.status }
    const prepared = await scenario.prepare(state.base)
    const load = (time) =>
      runWrk({
        url: state.base + scenario.path,
        seconds: time,
        connections: scenario.connections ?? 50,
        cpu: wrkCpu,
        ...prepared,
      })
    // the same state as the measured runs: warmed up, full GCs done
    await load(1)
    await settle(state)
    const result = await load(seconds)
    await state.stop()
    const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'))
    if (!file) return { scenario: scenario.name, error: 'no profile written' }
    const profile = JSON.parse(readFileSync(join(out, file), 'utf8'))
    return { scenario: scenario.name, rps: result.rps, top: topFunctions(profile) }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}
