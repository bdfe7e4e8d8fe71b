/* Runs wrk pinned to one CPU and parses what it prints. */
import { spawn } from 'node:child_process'

/** Parses wrk's "1.23ms" / "456.00us" / "1.2s" into milliseconds. */
export function parseDuration(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text)
  if (!m) return Number.NaN
  const value = Number(m[1])
  return { us: value / 1000, ms: value, s: value * 1000, m: value * 60_000 }[m[2]]
}

/** Parses the output of `wrk --latency`. */
export function parseWrk(output) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output)
  const p99 = /^\s+99%\s+(\S+)/m.exec(output)
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output)
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  const total = /(\d+) requests in/.exec(output)
  return {
    rps: rps ? Number(rps[1]) : Number.NaN,
    p99: p99 ? parseDuration(p99[1]) : Number.NaN,
    requests: total ? Number(total[1]) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    errors: errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
  }
}

/**
 * Runs wrk for `seconds` against `url`. Resolves with the parsed figures; the child is
 * killed if it overruns (every run is bounded in time).
 */
export function runWrk({ url, seconds, connections = 50, headers = [], script, cpu }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s']
  for (const header of headers) args.push('-H', header)
  if (script) args.push('-s', script)
  args.push(url)
  const [command, argv] =
    cpu === undefined ? ['wrk', args] : ['taskset', ['-c', String(cpu), 'wrk', ...args]]
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (out += chunk))
    const guard = setTimeout(() => child.kill('SIGKILL'), (seconds + 20) * 1000)
    child.on('error', reject)
    child.on('close', () => {
      clearTimeout(guard)
      resolve({ ...parseWrk(out), output: out })
    })
  })
}
