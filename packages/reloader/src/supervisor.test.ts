/*
 * The supervisor with real processes: test/fixtures/server.mjs under runWithReloader, files
 * changed in a temporary directory. Every wait is for a line the processes print, with a
 * generous deadline; nothing asserts how fast a restart is.
 */
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { requireBuilt } from '@paste-tooling/testing'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { alive, fixtures, gone, killAll, pause, supervise, tempDir } from '../test/harness.js'

// the harness gives up on a line after 20 s; leave room for several waits per test
vi.setConfig({ testTimeout: 90_000 })
afterEach(killAll)

const STARTED = /^started (\d+)$/
const RESTARTING = /reloader: .* changed; restarting/

function project(): { dir: string; file: string } {
  const dir = join(tempDir(), 'app')
  mkdirSync(dir)
  const file = join(dir, 'a.js')
  writeFileSync(file, 'export const a = 1\n')
  return { dir, file }
}

describe('restarts', () => {
  test('a change stops the child with SIGTERM and starts a new one', async () => {
    const { dir, file } = project()
    const server = supervise('server.mjs', { RELOADER_WATCH: dir })
    const first = await server.waitFor(STARTED)
    writeFileSync(file, 'export const a = 2\n')
    const restart = await server.waitFor(RESTARTING, first.index)
    expect(restart.line).toContain('a.js changed')
    await server.waitFor(new RegExp(`^stopping ${first.match[1]}$`), first.index)
    const second = await server.waitFor(STARTED, restart.index)
    expect(second.match[1]).not.toBe(first.match[1])
    await gone(Number(first.match[1]))
    expect(server.count(/SIGKILL/)).toBe(0) // it stopped on SIGTERM
  })

  test('a burst of writes gives one restart', async () => {
    const { dir, file } = project()
    const server = supervise('server.mjs', { RELOADER_WATCH: dir, RELOADER_DEBOUNCE: '400' })
    const first = await server.waitFor(STARTED)
    for (let i = 0; i < 5; i++) writeFileSync(file, `export const a = ${i}\n`)
    writeFileSync(join(dir, 'b.json'), '{}')
    const second = await server.waitFor(STARTED, first.index + 1)
    // a later change is the marker: had the burst given two restarts, one more start precedes it
    await pause(1000)
    writeFileSync(file, 'export const a = 9\n')
    const third = await server.waitFor(STARTED, second.index + 1)
    expect(server.count(RESTARTING)).toBe(2)
    expect(server.lines.slice(0, third.index + 1).filter((l) => STARTED.test(l))).toHaveLength(3)
  })

  test('a child ignoring SIGTERM gets SIGKILL after killTimeoutMs, not before', async () => {
    const { dir, file } = project()
    const server = supervise('server.mjs', {
      RELOADER_WATCH: dir,
      RELOADER_KILL_TIMEOUT: '1500',
      FIXTURE_BEHAVIOUR: 'ignore-term',
    })
    const first = await server.waitFor(STARTED)
    const changedAt = Date.now()
    writeFileSync(file, 'export const a = 2\n')
    await server.waitFor(new RegExp(`^ignoring SIGTERM ${first.match[1]}$`))
    const kill = await server.waitFor(/still running 1500 ms after SIGTERM; sending SIGKILL/)
    const second = await server.waitFor(STARTED, kill.index)
    expect(Date.now() - changedAt).toBeGreaterThanOrEqual(1500) // timers never fire early
    expect(alive(Number(first.match[1]))).toBe(false)
    expect(second.match[1]).not.toBe(first.match[1])
  })

  test('a file replaced by rename, or deleted and created again, still restarts', async () => {
    const { dir, file } = project()
    const server = supervise('server.mjs', { RELOADER_WATCH: dir })
    const first = await server.waitFor(STARTED)
    writeFileSync(join(dir, '.a.js.swp'), 'export const a = 2\n')
    renameSync(join(dir, '.a.js.swp'), file) // how vim and many editors save
    const second = await server.waitFor(STARTED, first.index + 1)
    unlinkSync(file)
    const third = await server.waitFor(STARTED, second.index + 1)
    writeFileSync(file, 'export const a = 3\n')
    await server.waitFor(STARTED, third.index + 1)
    expect(server.count(RESTARTING)).toBe(3)
  })

  test('ignored directories, other extensions and paths outside watch do not restart', async () => {
    const { dir, file } = project()
    const outside = join(dir, '..', 'outside.js')
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true })
    mkdirSync(join(dir, '.cache'))
    const server = supervise('server.mjs', { RELOADER_WATCH: dir })
    const first = await server.waitFor(STARTED)
    writeFileSync(join(dir, 'node_modules', 'x', 'index.js'), '1')
    writeFileSync(join(dir, '.cache', 'c.json'), '1')
    writeFileSync(join(dir, 'notes.txt'), '1')
    writeFileSync(outside, '1')
    await pause(1500) // a wrong restart would have started by now (debounce is 100 ms)
    writeFileSync(file, 'export const a = 2\n')
    const restart = await server.waitFor(RESTARTING, first.index)
    expect(restart.line).toContain('a.js changed')
    await server.waitFor(STARTED, restart.index)
    expect(server.count(RESTARTING)).toBe(1)
  })
})

describe('crashes', () => {
  test('a child that crashes at startup is not restarted until a file changes', async () => {
    const { dir } = project()
    const broken = join(dir, 'broken.mjs')
    writeFileSync(broken, 'export const = \n') // a syntax error
    const server = supervise('server.mjs', { RELOADER_WATCH: dir, RELOADER_APP: broken })
    const crash = await server.waitFor(/exited with code 1; waiting for a file change/)
    await pause(1500) // a restart loop would print more crashes meanwhile
    expect(server.count(/exited with code/)).toBe(1)
    expect(server.count(STARTED)).toBe(0)
    writeFileSync(broken, 'export const fixed = true\n')
    await server.waitFor(STARTED, crash.index)
    expect(server.count(/exited with code/)).toBe(1)
  })
})

describe('stopping the supervisor', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    test(`${signal} stops the child, then the supervisor (exit ${code})`, async () => {
      const { dir } = project()
      const server = supervise('server.mjs', { RELOADER_WATCH: dir })
      const first = await server.waitFor(STARTED)
      const pid = Number(first.match[1])
      server.process.kill(signal)
      const { code: exitCode } = await server.exited
      expect(exitCode).toBe(code)
      await gone(pid)
    })
  }

  test('SIGTERM while the child ignores it: SIGKILL after the timeout, no orphan', async () => {
    const { dir } = project()
    const server = supervise('server.mjs', {
      RELOADER_WATCH: dir,
      RELOADER_KILL_TIMEOUT: '1000',
      FIXTURE_BEHAVIOUR: 'ignore-term',
    })
    const pid = Number((await server.waitFor(STARTED)).match[1])
    server.process.kill('SIGTERM')
    expect((await server.exited).code).toBe(143)
    await gone(pid)
    expect(server.count(/sending SIGKILL/)).toBe(1)
  })

  test('a supervisor killed with SIGKILL leaves no orphan: the child stops itself', async () => {
    const { dir } = project()
    const server = supervise('server.mjs', { RELOADER_WATCH: dir })
    const pid = Number((await server.waitFor(STARTED)).match[1])
    server.process.kill('SIGKILL')
    await server.exited
    await gone(pid)
  })
})

describe('extra files from the child', () => {
  for (const behaviour of ['watch-extra', 'callback-extra']) {
    test(`${behaviour === 'watch-extra' ? 'watchFile()' : 'addFileCallback()'} outside the watched tree restarts`, async () => {
      const { dir } = project()
      const config = join(dir, '..', 'site.ini')
      writeFileSync(config, 'debug = true\n')
      const server = supervise('server.mjs', {
        RELOADER_WATCH: dir,
        FIXTURE_BEHAVIOUR: behaviour,
        RELOADER_EXTRA: config,
      })
      const first = await server.waitFor(STARTED)
      await server.waitFor(/reloader: also watching .*site\.ini/)
      writeFileSync(`${config}.tmp`, 'debug = false\n')
      renameSync(`${config}.tmp`, config)
      const restart = await server.waitFor(RESTARTING, first.index)
      expect(restart.line).toContain('site.ini changed')
      await server.waitFor(STARTED, restart.index)
    })
  }
})

describe('polling', () => {
  test('poll: true restarts on a change too', async () => {
    const { dir, file } = project()
    const server = supervise('server.mjs', { RELOADER_WATCH: dir, RELOADER_POLL: '1' })
    await server.waitFor(/watching .* \(poll\)/)
    const first = await server.waitFor(STARTED)
    await pause(1200) // a stat poller compares with its first stat, taken within a second
    writeFileSync(file, 'export const a = 22\n')
    await server.waitFor(STARTED, first.index + 1)
  })
})

describe('with @paste/httpserver', () => {
  test('a restart lets the request in flight finish, then serves from the new process', async () => {
    requireBuilt(
      fixtures,
      ['../../../httpserver/dist/index.js', '../../../core/dist/index.js'],
      '@paste/reloader',
    )
    const { dir, file } = project()
    const server = supervise('http.mjs', { RELOADER_WATCH: dir })
    const first = await server.waitFor(/^started (\d+) (http:\S+)$/)
    const [, oldPid, oldUrl] = first.match
    const slow = fetch(new URL('/slow', oldUrl))
    await server.waitFor(new RegExp(`^slow request in ${oldPid}$`))
    writeFileSync(file, 'export const a = 2\n')
    await server.waitFor(new RegExp(`^closing ${oldPid}$`))
    const response = await slow
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(`slow done by ${oldPid}`)
    const second = await server.waitFor(/^started (\d+) (http:\S+)$/, first.index + 1)
    const [, newPid, newUrl] = second.match
    expect(await (await fetch(newUrl ?? '')).text()).toBe(`hello from ${newPid}`)
    expect(server.count(/SIGKILL/)).toBe(0)
  })
})
