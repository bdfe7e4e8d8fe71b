#!/usr/bin/env node
/*
 * The benchmark: every scenario against every server, side by side in one run.
 *
 *   pnpm bench                 full run (about 10 minutes), writes results/<date>.md and latest.md
 *   pnpm bench --quick         about a minute, for development; writes results/quick.md
 *   options: --only=hello,gzip  --servers=raw,paste  --runs=N  --seconds=N  --no-micro
 *
 * Method: each server in its own process pinned to CPU 0 (taskset), wrk pinned to CPU 1,
 * keep-alive, 50 connections, a warm-up, then N runs interleaved across the servers of a
 * scenario; the median is reported with the spread (min-max). Loopback only. Every wrk run
 * is bounded by -d and a kill timer; servers are killed when their scenario ends.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFixtures } from './common.mjs'
import { cpuMicros, idleConnectionBytes, rssBytes } from './memory.mjs'
import { profileServer } from './profile.mjs'
import { renderReport } from './report.mjs'
import { SCENARIOS } from './scenarios.mjs'
import { runWrk } from './wrk.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=')
    return [k, v ?? true]
  }),
)
const quick = args.has('quick')
const settings = {
  quick,
  runs: Number(args.get('runs') ?? (quick ? 1 : 3)),
  seconds: Number(args.get('seconds') ?? (quick ? 1 : 3)),
  warmup: quick ? 1 : 2,
  connections: 50,
  idleConnections: quick ? 200 : 1000,
  idleSamples: quick ? 1 : 5,
}
const only = typeof args.get('only') === 'string' ? args.get('only').split(',') : undefined
const onlyServers =
  typeof args.get('servers') === 'string' ? args.get('servers').split(',') : undefined
const pinned = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0
const SERVER_CPU = pinned ? 0 : undefined
const WRK_CPU = pinned ? 1 : undefined

if (spawnSync('wrk', ['-v']).error) {
  console.error('bench: wrk is not installed (Debian: apt-get install wrk)')
  process.exit(1)
}

const children = new Set()
const cleanup = () => {
  for (const child of children) child.kill('SIGKILL')
}
process.on('exit', cleanup)
process.on('SIGINT', () => process.exit(130))
process.on('SIGTERM', () => process.exit(143))

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** Starts one server process pinned to the server CPU; resolves with its state. */
async function startServer(server, scenario, dir, nodeArgs = []) {
  const port = await freePort()
  const argv = [
    '--expose-gc',
    ...nodeArgs,
    join(here, 'server.mjs'),
    server,
    scenario,
    String(port),
    dir,
  ]
  const [command, list] =
    SERVER_CPU === undefined
      ? [process.execPath, argv]
      : ['taskset', ['-c', String(SERVER_CPU), process.execPath, ...argv]]
  const child = spawn(command, list, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir })
  children.add(child)
  // servers log aborted uploads when wrk stops mid-request: keep only the tail for errors
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)))
  const line = await new Promise((resolve) => {
    let out = ''
    const timer = setTimeout(() => resolve('error did not start within 20 s'), 20_000)
    child.stdout.on('data', (chunk) => {
      out += chunk
      if (out.includes('\n')) {
        clearTimeout(timer)
        resolve(out.split('\n')[0])
      }
    })
    child.on('exit', () => resolve(out.split('\n')[0] || 'error exited at start'))
  })
  const state = { server, runs: [] }
  const stop = () =>
    new Promise((resolve) => {
      state.stopping = true
      if (child.exitCode !== null) return resolve()
      child.once('exit', resolve)
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 2000).unref()
    }).then(() => children.delete(child))
  if (!line.startsWith('ready')) {
    await stop()
    if (stderr)
      console.error(
        `  ${server} (${scenario}) stderr: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
      )
    return { server, status: line.startsWith('n/a') ? line.slice(4) : line, runs: [] }
  }
  Object.assign(state, { base: `http://127.0.0.1:${port}`, pid: child.pid, child, stop })
  child.on('exit', (code, signal) => {
    if (state.stopping) return
    const cause = stderr.split('\n').find((l) => /Error/.test(l)) ?? stderr.trim().slice(0, 200)
    state.crashed = `crashed (${signal ?? `exit ${code}`}): ${cause.trim().slice(0, 200)}`
  })
  return state
}

async function runScenario(scenario, dir) {
  const servers = scenario.servers.filter((s) => !onlyServers || onlyServers.includes(s))
  const states = await Promise.all(servers.map((server) => startServer(server, scenario.name, dir)))
  const live = []
  for (const state of states) {
    if (!state.base) continue
    try {
      const prepared = await scenario.prepare(state.base)
      if (prepared.na) state.status = prepared.na
      else {
        state.wrk = prepared
        live.push(state)
      }
    } catch (error) {
      state.status = `failed check: ${error.message}`
    }
  }
  const wrkFor = (state, seconds) =>
    runWrk({
      url: state.base + scenario.path,
      seconds,
      connections: scenario.connections ?? settings.connections,
      cpu: WRK_CPU,
      ...state.wrk,
    })
  // warm-up (JIT, caches): one server after the other; in quick mode all at once to save time
  if (quick) await Promise.all(live.map((state) => wrkFor(state, settings.warmup)))
  else for (const state of live) await wrkFor(state, settings.warmup)
  const alive = () => live.filter((state) => !state.crashed)
  // every server to the state of a long-running process: full GCs done (see server.mjs)
  await Promise.all(alive().map(settle))
  // memory per idle connection: the median of several measurements, interleaved across the
  // servers (one measurement is within a few hundred bytes of GC noise)
  if (scenario.name === 'hello') {
    const samples = new Map(alive().map((state) => [state, []]))
    for (let i = 0; i < settings.idleSamples; i++)
      for (const state of alive())
        samples
          .get(state)
          .push(
            await idleConnectionBytes(state.base, settings.idleConnections, () => settle(state)),
          )
    for (const [state, values] of samples) {
      state.idleBytes = median(values)
      state.idleSpread = [Math.min(...values), Math.max(...values)]
    }
  }
  for (let run = 0; run < settings.runs; run++)
    for (const state of alive()) {
      const cpuBefore = cpuMicros(state.pid)
      const result = await wrkFor(state, settings.seconds)
      result.cpuPerRequest = (cpuMicros(state.pid) - cpuBefore) / result.requests
      state.runs.push(result)
      process.stdout.write(
        `  ${scenario.name.padEnd(11)} ${state.server.padEnd(8)} run ${run + 1}: ${result.rps.toFixed(0)} req/s, ${result.cpuPerRequest.toFixed(1)} µs CPU/req` +
          `${result.non2xx ? ` (${result.non2xx} non-2xx)` : ''}${result.errors ? ` (${result.errors} socket errors)` : ''}\n`,
      )
    }
  for (const state of live) {
    if (state.crashed) {
      state.status = state.crashed
      state.runs = []
    } else state.rss = rssBytes(state.pid)
  }
  await Promise.all(states.map((s) => s.stop?.()))
  for (const state of states) {
    delete state.child
    delete state.stop
  }
  return { scenario, states }
}

/**
 * Asks a server to run its full garbage collections; resolves with what its heap holds
 * afterwards (`{ gc, heapUsed, external, rss }`), or undefined if it did not answer.
 */
function settle(state) {
  return new Promise((resolve) => {
    let out = ''
    const timer = setTimeout(() => done(undefined), 5000)
    function done(value) {
      clearTimeout(timer)
      state.child.stdout.off('data', onData)
      resolve(value)
    }
    function onData(chunk) {
      out += chunk
      const m = /settled (\{.*\})\n/.exec(out)
      if (m) done(JSON.parse(m[1]))
    }
    state.child.stdout.on('data', onData)
    state.child.kill('SIGUSR2')
  })
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function summarise(result) {
  for (const state of result.states) {
    if (state.runs.length === 0) continue
    const rps = state.runs.map((r) => r.rps)
    state.rps = median(rps)
    state.min = Math.min(...rps)
    state.max = Math.max(...rps)
    state.p99 = median(state.runs.map((r) => r.p99))
    state.cpuPerRequest = median(state.runs.map((r) => r.cpuPerRequest))
    state.non2xx = state.runs.reduce((a, r) => a + r.non2xx, 0)
    state.errors = state.runs.reduce((a, r) => a + r.errors, 0)
  }
  return result
}

const started = Date.now()
const dir = mkdtempSync(join(tmpdir(), 'paste-bench-'))
writeFixtures(dir)
const loadBefore = (await import('node:os')).loadavg()
console.log(
  `bench: ${quick ? 'quick' : 'full'} run, ${settings.runs} run(s) x ${settings.seconds}s, ` +
    `${pinned ? 'servers on CPU 0, wrk on CPU 1' : 'NOT pinned (taskset or a second CPU missing)'}`,
)
const results = []
try {
  for (const scenario of SCENARIOS) {
    if (only && !only.includes(scenario.name)) continue
    console.log(`scenario ${scenario.name}: ${scenario.title}`)
    results.push(summarise(await runScenario(scenario, dir)))
  }
  const profiles = []
  if (!quick && !args.has('no-profile'))
    for (const result of results) {
      const goal = result.scenario.goal
      const paste = result.states.find((s) => s.server === 'paste')
      const reference = result.states.find((s) => s.server === goal?.against)
      if (!goal || !paste?.rps || !reference?.rps || paste.rps / reference.rps >= goal.ratio)
        continue
      console.log(`profiling paste in ${result.scenario.name} (goal missed)`)
      const profile = await profileServer({
        scenario: result.scenario,
        dir,
        startServer,
        settle,
        wrkCpu: WRK_CPU,
        seconds: 3,
      })
      const ratio = paste.rps / reference.rps
      profile.gap =
        `paste ${paste.rps.toFixed(0)} req/s = ${ratio.toFixed(2)}x ${goal.against} (goal ${goal.ratio}x): ` +
        `short by ${((goal.ratio - ratio) * 100).toFixed(0)} points; server CPU per request ` +
        `paste ${paste.cpuPerRequest.toFixed(1)} µs vs ${goal.against} ${reference.cpuPerRequest.toFixed(1)} µs ` +
        `(${(paste.cpuPerRequest - reference.cpuPerRequest).toFixed(1)} µs more).`
      profiles.push(profile)
    }
  let micro
  if (!args.has('no-micro')) {
    console.log('microbenchmarks (mitata)')
    const out = spawnSync(process.execPath, [join(here, 'micro.mjs'), quick ? '--quick' : ''], {
      encoding: 'utf8',
      timeout: 180_000,
    })
    micro = (out.stdout || out.stderr || '').trim()
  }
  const report = renderReport({
    results,
    settings,
    pinned,
    loadBefore,
    profiles,
    micro,
    seconds: (Date.now() - started) / 1000,
  })
  const out = join(here, '..', 'results')
  mkdirSync(out, { recursive: true })
  // only a complete run (every scenario, every server) may stand as latest.md
  const partial = args.has('only') || args.has('servers')
  const dated = `${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')}${partial ? '-partial' : ''}.md`
  const files = quick ? ['quick.md'] : partial ? [dated] : [dated, 'latest.md']
  for (const file of files) writeFileSync(join(out, file), report)
  console.log(`\n${report}\nwritten to results/${files.join(' and results/')}`)
} finally {
  cleanup()
  rmSync(dir, { recursive: true, force: true })
}
