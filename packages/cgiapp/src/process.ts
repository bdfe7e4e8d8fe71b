/*
 * One CGI process: spawned without a shell in its own process group (so a kill reaches the
 * shell's children too), killed with SIGTERM then SIGKILL, reaped by Node when it exits.
 * Groups still running when the server process exits are killed with it.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'

/** Why a process was killed before it finished on its own. */
export type KillReason = 'timeout' | 'client' | 'bad-output' | 'cancel'

const live = new Set<number>()
let exitHookInstalled = false

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // ESRCH: the whole group is gone already.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGKILL')
  })
}

/** How to start a process. */
export interface SpawnSpec {
  command: string
  args: readonly string[]
  cwd: string
  env: Record<string, string>
  /** Milliseconds between SIGTERM and SIGKILL. */
  killTimeout: number
}

/** A running CGI program and its lifecycle. */
export class CgiProcess {
  readonly child: ChildProcessWithoutNullStreams
  /** Set once the process is killed by us. */
  killReason: KillReason | undefined
  /** Resolves with the reason when the process is killed by us. */
  readonly killed: Promise<KillReason>
  /** Resolves when the process has exited (and been reaped) or failed to start. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>
  #onKill!: (reason: KillReason) => void
  readonly #killTimeout: number
  #stdoutClosed = false

  constructor(spec: SpawnSpec) {
    this.#killTimeout = spec.killTimeout
    this.killed = new Promise((resolve) => (this.#onKill = resolve))
    // No shell: the script path and arguments are never interpreted. `detached` puts the
    // child in a new process group (setsid), which a kill addresses as a whole.
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      shell: false,
      windowsHide: true,
    })
    const pid = this.child.pid
    if (pid !== undefined) {
      live.add(pid)
      installExitHook()
    }
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        if (pid !== undefined) live.delete(pid)
        resolve({ code: null, signal: null, error })
      })
      this.child.once('exit', (code, signal) => {
        if (pid !== undefined) live.delete(pid)
        resolve({ code, signal })
      })
    })
    // A script that exits without reading its input: writes to stdin fail with EPIPE.
    this.child.stdin.on('error', () => {})
    this.child.stdout.once('close', () => {
      this.#stdoutClosed = true
    })
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return (
      this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined
    )
  }

  /** Kills the process group: SIGTERM now, SIGKILL after the grace period. Idempotent. */
  kill(reason: KillReason): void {
    if (this.killReason !== undefined) return
    this.killReason = reason
    this.#onKill(reason)
    const pid = this.child.pid
    if (pid === undefined) return
    killGroup(pid, 'SIGTERM')
    // SIGKILL for whatever ignored SIGTERM: the leader, or children still holding stdout.
    // Once both are gone the group may be empty and its id free for reuse: leave it alone.
    setTimeout(() => {
      if (this.running || !this.#stdoutClosed) killGroup(pid, 'SIGKILL')
    }, this.#killTimeout).unref()
  }
}
