/*
 * Smoke test (no measuring): the raw and @paste servers of every scenario start and pass
 * the same check run.mjs makes before it benchmarks them.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { htmlPage, implementationOf, writeFixtures } from '../src/common.mjs'
import { SCENARIOS } from '../src/scenarios.mjs'
import * as paste from '../src/servers/paste.mjs'
import * as raw from '../src/servers/raw.mjs'
import { parseWrk } from '../src/wrk.mjs'

type Server = { address(): AddressInfo; close(cb?: () => void): void; closeAllConnections(): void }
type Scenario = { name: string; servers: string[]; prepare(base: string): Promise<unknown> }

const dir = mkdtempSync(join(tmpdir(), 'paste-bench-smoke-'))
writeFixtures(dir)
const context = { port: 0, staticDir: join(dir, 'static'), html: htmlPage() }
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('every scenario server starts and answers correctly', () => {
  for (const scenario of SCENARIOS as Scenario[]) {
    for (const [name, module] of [
      ['raw', raw],
      ['paste', paste],
    ] as const) {
      if (!scenario.servers.includes(name)) continue
      test(`${scenario.name} on ${name}`, async () => {
        const server = (await module.start(implementationOf(scenario.name), context)) as Server
        try {
          const base = `http://127.0.0.1:${server.address().port}`
          expect(await scenario.prepare(base)).toBeTypeOf('object')
        } finally {
          server.closeAllConnections()
          await new Promise<void>((resolve) => server.close(() => resolve()))
        }
      })
    }
  }
})

test('parses wrk output', () => {
  const sample = `Running 1s test @ http://127.0.0.1:1/
  Latency Distribution
     50%  537.00us
     99%    1.25ms
  12345 requests in 1.00s, 1.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:  12345.67
`
  expect(parseWrk(sample)).toEqual({
    rps: 12345.67,
    p99: 1.25,
    requests: 12345,
    non2xx: 3,
    errors: 0,
  })
})

test('a `+ticks` server is the same server with keepNextTickFast() called first', async () => {
  const { spawn } = await import('node:child_process')
  const { createServer } = await import('node:net')
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
  const script = new URL('../src/server.mjs', import.meta.url).pathname
  const child = spawn(process.execPath, [script, 'raw+ticks', 'hello', String(port), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    const line = await new Promise<string>((resolve) => {
      let out = ''
      child.stdout.on('data', (chunk) => {
        out += chunk
        if (out.includes('\n')) resolve(out.split('\n')[0]!)
      })
      child.on('exit', () => resolve(out || 'exited'))
    })
    expect(line).toBe(`ready ${port}`)
    const hello = SCENARIOS.find((s: { name: string }) => s.name === 'hello') as Scenario
    expect(await hello.prepare(`http://127.0.0.1:${port}`)).toBeTypeOf('object')
  } finally {
    child.kill()
  }
})
