/* The Markdown results file: the machine, one table per scenario, the goals, the profiles. */
import { execSync } from 'node:child_process'
import { cpus, release, totalmem } from 'node:os'

const fmt = (n, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a'
const mb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : 'n/a')
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a')

function sh(command) {
  try {
    return execSync(command, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return 'unknown'
  }
}

function machine({ settings, pinned, loadBefore, seconds }) {
  const cpu = cpus()
  return [
    `- date: ${new Date().toISOString()}; commit ${sh('git rev-parse --short HEAD')}; mode: ${settings.quick ? 'quick (indicative only)' : 'full'}; took ${seconds.toFixed(0)} s`,
    `- machine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`,
    `- Node ${process.version}; ${sh('wrk -v 2>&1 | head -1').split(' [')[0]}`,
    `- method: ${pinned ? 'each server pinned to CPU 0, wrk pinned to CPU 1 (taskset)' : 'NOT pinned'}; wrk -t1 -c${settings.connections} (upload: -c10) keep-alive; ${settings.warmup}s warm-up; ${settings.runs} run(s) of ${settings.seconds}s interleaved across servers; median shown, spread = min-max; server CPU per request = the server process's user+system CPU time during a run / requests served (less sensitive to other load than req/s)`,
    `- load average before the run: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}${loadBefore[0] > 0.5 ? ' (machine was busy: figures are noisy)' : ''}`,
  ].join('\n')
}

function scenarioTable({ scenario, states }) {
  const paste = states.find((s) => s.server === 'paste')
  const lines = [
    `### ${scenario.title} (\`${scenario.name}\`)`,
    '',
    '| server | req/s (median) | spread | p99 latency | server CPU per request | RSS after | paste ÷ this |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ]
  for (const s of [...states].sort((a, b) => (b.rps ?? -1) - (a.rps ?? -1))) {
    if (s.rps === undefined) {
      lines.push(`| ${s.server} | ${s.status ?? 'n/a'} | | | | | |`)
      continue
    }
    const flags = [
      s.non2xx ? `${s.non2xx} non-2xx/3xx` : '',
      s.errors ? `${s.errors} socket errors` : '',
    ]
      .filter(Boolean)
      .join(', ')
    lines.push(
      `| ${s.server}${flags ? ` (${flags})` : ''} | ${fmt(s.rps)} | ${fmt(s.min)}-${fmt(s.max)} | ${fmt(s.p99, 2)} ms | ${fmt(s.cpuPerRequest, 1)} µs | ${mb(s.rss)} | ${s === paste ? '-' : ratio(paste?.rps, s.rps)} |`,
    )
  }
  return lines.join('\n')
}

function goals(results) {
  const lines = [
    '| goal | measured (req/s ratio) | by server CPU per request | met (req/s) |',
    '|---|---|---|---|',
  ]
  // the same ratio from CPU time per request (reference / paste): steadier on a busy machine
  const cpu = (paste, other) =>
    paste?.cpuPerRequest && other?.cpuPerRequest
      ? `${(other.cpuPerRequest / paste.cpuPerRequest).toFixed(2)}x`
      : 'n/a'
  for (const { scenario, states } of results) {
    const paste = states.find((s) => s.server === 'paste')
    const find = (name) => states.find((s) => s.server === name)
    if (scenario.goal) {
      const ref = find(scenario.goal.against)
      const r = paste?.rps && ref?.rps ? paste.rps / ref.rps : undefined
      lines.push(
        `| ${scenario.name}: paste >= ${scenario.goal.ratio}x ${scenario.goal.against} | ${r === undefined ? `n/a (${paste?.status ?? ref?.status ?? 'missing'})` : `${r.toFixed(2)}x`} | ${cpu(paste, ref)} | ${r === undefined ? '?' : r >= scenario.goal.ratio ? 'yes' : `no, short by ${((scenario.goal.ratio - r) * 100).toFixed(0)} points`} |`,
      )
      // the same reference with keepNextTickFast(): what paste's own layers cost (no goal)
      const fixed = find(`${scenario.goal.against}+ticks`)
      if (paste?.rps && fixed?.rps)
        lines.push(
          `| ${scenario.name}: paste vs ${fixed.server} (same V8 workaround, for reference) | ${(paste.rps / fixed.rps).toFixed(2)}x | ${cpu(paste, fixed)} | - |`,
        )
    }
    // issue 7: every scenario ahead of Express and Hono; a scenario may name more (hello: Fastify)
    for (const peer of ['express', 'hono', ...(scenario.aheadOf ?? [])]) {
      const other = find(peer)
      if (!paste?.rps || !other?.rps) continue
      const r = paste.rps / other.rps
      lines.push(
        `| ${scenario.name}: paste ahead of ${peer} | ${r.toFixed(2)}x | ${cpu(paste, other)} | ${r >= 1 ? 'yes' : 'no'} |`,
      )
    }
  }
  const hello = results.find((r) => r.scenario.name === 'hello')
  const idle = hello?.states.filter((s) => Number.isFinite(s.idleBytes)) ?? []
  const pasteIdle = idle.find((s) => s.server === 'paste')?.idleBytes
  if (pasteIdle !== undefined && idle.length > 1) {
    // every peer, raw node:http included; 5% allowance for what GC timing leaves behind
    const peers = idle.filter((s) => s.server !== 'paste' && !s.server.endsWith('+ticks'))
    const best = peers.reduce((a, b) => (b.idleBytes < a.idleBytes ? b : a))
    lines.push(
      `| memory per idle connection no worse than peers | paste ${(pasteIdle / 1024).toFixed(2)} KB, best peer ${best.server} ${(best.idleBytes / 1024).toFixed(2)} KB | | ${pasteIdle <= best.idleBytes * 1.05 ? 'yes' : 'no'} |`,
    )
  }
  return lines.join('\n')
}

function idleTable(results) {
  const hello = results.find((r) => r.scenario.name === 'hello')
  const rows = hello?.states.filter((s) => Number.isFinite(s.idleBytes)) ?? []
  if (rows.length === 0) return ''
  return [
    '### Memory per idle keep-alive connection (hello server: growth of V8 heap used + external memory, after full GCs, / connections)',
    '',
    '| server | bytes per idle connection (median) | spread |',
    '|---|---:|---:|',
    ...rows.map(
      (s) =>
        `| ${s.server} | ${fmt(s.idleBytes)} | ${s.idleSpread ? `${fmt(s.idleSpread[0])}-${fmt(s.idleSpread[1])}` : ''} |`,
    ),
  ].join('\n')
}

function profileSection(profiles) {
  if (!profiles?.length) return ''
  const parts = [
    '## Where the time goes (missed goals)',
    '',
    'The @paste server of each scenario below was run again under `node --cpu-prof` for 3 s;',
    'the functions with the most self time, as a share of the time the server was busy',
    '(native socket writes show as `writev`/`writeBuffer`/`writeLatin1String`).',
  ]
  for (const p of profiles) {
    parts.push(`\n### ${p.scenario}${p.rps ? ` (${fmt(p.rps)} req/s while profiling)` : ''}\n`)
    if (p.gap) parts.push(`${p.gap}\n`)
    if (p.error) parts.push(`profile failed: ${p.error}`)
    else parts.push(p.top.map((t) => `- ${(t.share * 100).toFixed(1)}% ${t.name}`).join('\n'))
  }
  return parts.join('\n')
}

export function renderReport({ results, settings, pinned, loadBefore, profiles, micro, seconds }) {
  return [
    `# Benchmark results${settings.quick ? ' (quick)' : ''}`,
    '',
    machine({ settings, pinned, loadBefore, seconds }),
    '',
    '## Goals',
    '',
    goals(results),
    '',
    '## Scenarios',
    '',
    results.map(scenarioTable).join('\n\n'),
    '',
    idleTable(results),
    '',
    profileSection(profiles),
    '',
    micro ? `## Microbenchmarks (mitata)\n\n\`\`\`\n${micro}\n\`\`\`` : '',
    '',
  ].join('\n')
}
