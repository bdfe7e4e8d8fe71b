#!/usr/bin/env node
/*
 * One benchmark server in its own process: `node server.mjs <server> <scenario> <port> <dir>`.
 * Prints one line: `ready <port>`, `n/a <reason>`, or `error <message>`; then serves until
 * killed (SIGTERM). run.mjs pins this process to one CPU.
 */
import { join } from 'node:path'
import { getHeapSpaceStatistics } from 'node:v8'
import { htmlPage, implementationOf } from './common.mjs'

const [serverArg, scenario, port, dir] = process.argv.slice(2)
const context = { port: Number(port), staticDir: join(dir, 'static'), html: htmlPage() }
// `<server>+ticks`: the same server with @paste/httpserver's keepNextTickFast() called first
// (what paste's own server does), so the report can show paste against a reference that
// has the same V8 workaround (see the README)
const TICKS = '+ticks'
const serverName = serverArg.endsWith(TICKS) ? serverArg.slice(0, -TICKS.length) : serverArg
if (serverName !== serverArg) (await import('@paste/httpserver')).keepNextTickFast()
try {
  const module = await import(`./servers/${serverName}.mjs`)
  const server = await module.start(implementationOf(scenario), context)
  if (server === undefined) console.log('n/a (no such scenario)')
  else console.log(`ready ${port}`)
} catch (error) {
  if (error?.constructor?.name === 'NotApplicable') console.log(`n/a ${error.message}`)
  else
    console.log(
      `error ${String(error?.stack ?? error)
        .split('\n')
        .slice(0, 3)
        .join(' | ')}`,
    )
}
process.on('SIGTERM', () => process.exit(0))

/*
 * SIGUSR2 (sent by run.mjs after the warm-up): run full garbage collections, then print
 * `settled`. A fresh Node 20 process that has never run a mark-compact answers faster than
 * it ever will again: after its first full collection with no nextTick record alive,
 * process.nextTick (called several times per request by node:http itself) defines each
 * record's properties through V8's runtime (raw node:http measured 9.5 -> 12.3 µs CPU per
 * request; the cause and the workaround, keepNextTickFast(), are in @paste/httpserver's
 * README). Whether a server has had one by the time it is measured depends on its startup
 * and on idle time between runs, so each server is brought to the state a long-running
 * process is in before it is measured.
 */
process.on('SIGUSR2', async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.()
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  // what the heap holds after the collections: for the idle-connection measurement
  const { heapUsed, external, rss } = process.memoryUsage()
  // compiled code: what the JIT made of the server's functions, not data any connection holds
  let code = 0
  for (const space of getHeapSpaceStatistics())
    if (space.space_name.startsWith('code_')) code += space.space_used_size
  console.log(
    `settled ${JSON.stringify({ gc: Boolean(globalThis.gc), heapUsed, external, code, rss })}`,
  )
})
