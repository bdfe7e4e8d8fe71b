import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'
import { toNodeHandler } from './handler.js'
import { heldTick } from './ticks.js'

const run = promisify(execFile)
const built = fileURLToPath(new URL('../dist/ticks.js', import.meta.url))

// What the fix relies on, checked on the running Node in a process of its own (full GCs,
// V8's %HaveSameMap). How much faster requests are is measured by tooling/bench (raw vs
// raw+ticks), not here.
const CHILD = `
import { executionAsyncResource } from 'node:async_hooks'
import { keepNextTickFast, heldTick } from ${JSON.stringify(built)}
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)')
const record = () => new Promise((resolve) => process.nextTick(() => resolve(executionAsyncResource())))
const hold = process.argv.includes('hold')
if (hold) keepNextTickFast()
await new Promise((resolve) => setImmediate(resolve))
const held = heldTick()
// without holding: a record nobody keeps is collected (so can its map be)
let gone
{
  const weak = new WeakRef(await record())
  await new Promise((resolve) => setImmediate(resolve))
  globalThis.gc()
  gone = weak.deref() === undefined
}
globalThis.gc()
const after = await record()
console.log(JSON.stringify({
  symbols: held ? Object.getOwnPropertySymbols(held).map((s) => s.description) : [],
  keys: held ? Object.keys(held) : [],
  sameMap: held ? sameMap(held, after) : null,
  gone,
}))
`

async function child(...args: string[]) {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--allow-natives-syntax', '--input-type=module', '-e', CHILD, '--', ...args],
    { timeout: 20_000 },
  )
  return JSON.parse(stdout) as {
    symbols: string[]
    keys: string[]
    sameMap: boolean | null
    gone: boolean
  }
}

describe('keepNextTickFast()', () => {
  test('holds a real nextTick record, whose map later records still get after full GCs', async () => {
    if (!existsSync(built)) throw new Error('run "pnpm build" first: this test runs dist/ticks.js')
    const held = await child('hold')
    // the record process.nextTick builds (lib/internal/process/task_queues.js)
    expect(held.symbols).toEqual(['async_id_symbol', 'trigger_async_id_symbol'])
    expect(held.keys).toEqual(['callback', 'args'])
    // the feedback's map is still the one new records are built with
    expect(held.sameMap).toBe(true)
    // and without it, nothing keeps a record (nor its map) alive across a full GC
    const bare = await child()
    expect(bare.sameMap).toBeNull()
    expect(bare.gone).toBe(true)
  })

  test('toNodeHandler() takes one (serve() goes through it)', async () => {
    toNodeHandler(() => new Response('x'))
    await new Promise((resolve) => setImmediate(resolve))
    const held = heldTick() as Record<string, unknown> | undefined
    expect(typeof held?.callback).toBe('function')
    expect(Object.getOwnPropertySymbols(held).map((s) => s.description)).toContain(
      'async_id_symbol',
    )
  })
})
