/*
 * Runs a fixture under the real supervisor and waits for what it prints. Every process it
 * starts (the supervisor and each child pid seen in its output) is killed by killAll().
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { requireBuilt } from '@paste-tooling/testing'

export const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')
const DEADLINE_MS = 20_000
const started: Supervised[] = []
const temporary: string[] = []

/** A fresh temporary directory (its real path: /tmp may be a symlink), removed by killAll(). */
export function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'paste-reloader-')))
  temporary.push(dir)
  return dir
}

export interface Supervised {
  readonly process: ChildProcess
  /** Every line printed so far (stdout and stderr, children included). */
  readonly lines: string[]
  /** Resolves with the first line at or after `from` matching `pattern`, and its index. */
  waitFor(
    pattern: RegExp,
    from?: number,
  ): Promise<{ line: string; index: number; match: RegExpExecArray }>
  /** Lines matching `pattern`. */
  count(pattern: RegExp): number
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: string | null }>
  /** Child pids seen in "started <pid>" lines. */
  readonly childPids: number[]
}

/** Runs `node fixtures/<name>` with `env` added: the supervisor. */
export function supervise(name: string, env: Record<string, string>): Supervised {
  requireBuilt(fixtures, ['../../dist/index.js'], '@paste/reloader')
  const child = spawn(process.execPath, [join(fixtures, name)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const childPids: number[] = []
  const waiters = new Set<() => void>()
  let partial = { out: '', err: '' }
  const collect = (stream: 'out' | 'err') => (chunk: Buffer) => {
    const text = partial[stream] + chunk.toString()
    const parts = text.split('\n')
    partial = { ...partial, [stream]: parts.pop() ?? '' }
    for (const line of parts) {
      lines.push(line)
      const pid = /^started (\d+)/.exec(line)
      if (pid) childPids.push(Number(pid[1]))
    }
    for (const wake of waiters) wake()
  }
  child.stdout?.on('data', collect('out'))
  child.stderr?.on('data', collect('err'))
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve({ code, signal })
      for (const wake of waiters) wake()
    }),
  )
  const supervised: Supervised = {
    process: child,
    lines,
    childPids,
    exited,
    count: (pattern) => lines.filter((line) => pattern.test(line)).length,
    waitFor: (pattern, from = 0) =>
      new Promise((resolve, reject) => {
        const check = () => {
          for (let index = from; index < lines.length; index++) {
            const match = pattern.exec(lines[index] ?? '')
            if (match) {
              done()
              return resolve({ line: lines[index] ?? '', index, match })
            }
          }
          if (child.exitCode !== null || child.signalCode !== null) {
            done()
            reject(new Error(`supervisor exited before ${pattern}:\n${lines.join('\n')}`))
          }
        }
        const timer = setTimeout(() => {
          done()
          reject(
            new Error(`no line matching ${pattern} within ${DEADLINE_MS} ms:\n${lines.join('\n')}`),
          )
        }, DEADLINE_MS)
        const done = () => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      }),
  }
  started.push(supervised)
  return supervised
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Resolves once `pid` is gone; rejects after the deadline. */
export async function gone(pid: number, deadlineMs = DEADLINE_MS): Promise<void> {
  const end = Date.now() + deadlineMs
  while (alive(pid)) {
    if (Date.now() > end) throw new Error(`process ${pid} is still running`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** For afterEach: SIGKILL every supervisor and child started, remove the temporary directories. */
export async function killAll(): Promise<void> {
  for (const supervised of started.splice(0)) {
    for (const pid of [supervised.process.pid, ...supervised.childPids])
      if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL')
  }
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true })
}
