#!/usr/bin/env node
/*
 * One benchmark server in its own process: `node server.mjs <server> <scenario> <port> <dir>`.
 * Prints one line: `ready <port>`, `n/a <reason>`, or `error <message>`; then serves until
 * killed (SIGTERM). run.mjs pins this process to one CPU.
 */
import { join } from 'node:path'
import { htmlPage } from './common.mjs'

const [serverName, scenario, port, dir] = process.argv.slice(2)
const context = { port: Number(port), staticDir: join(dir, 'static'), html: htmlPage() }
try {
  const module = await import(`./servers/${serverName}.mjs`)
  const server = await module.start(scenario, context)
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
