/**
 * A server in a Node child process, for tests that need a real separate process (several
 * processes sharing a store, cluster workers, the global console): the script prints
 * `listening <url>` on stdout or stderr once it serves.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** A running child server. */
export interface ChildServer {
  /** The URL it printed. */
  readonly url: string
  /** Its process id. */
  readonly pid: number
  /** Everything it printed on stdout so far. */
  stdout(): string
  /** SIGTERM, then waits for it to exit. */
  stop(): Promise<void>
}

/**
 * Runs `node <script>` with `env` added, and resolves once it prints `listening <url>`.
 *
 * @example
 * const server = await startNodeServer(join(here, 'child.mjs'), { REDIS_URL: redis.url })
 * await fetch(server.url)
 * await server.stop()
 */
export function startNodeServer(
  script: string,
  env: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let output = ''
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} did not start:\n${output}`))
    }, timeoutMs)
    const collect = (chunk: Buffer, isStdout: boolean) => {
      if (isStdout) stdout += chunk
      output += chunk
      const m = /listening (https?:\/\/\S+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve({ url: m[1]!, pid: child.pid!, stdout: () => stdout, stop })
      }
    }
    child.stdout!.on('data', (chunk: Buffer) => collect(chunk, true))
    child.stderr!.on('data', (chunk: Buffer) => collect(chunk, false))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited with ${code}:\n${output}`))
    })
  })
}

/**
 * Throws, naming what is missing and the build command, unless every file in `files`
 * (relative to `dir`) exists: a child server imports the built packages (dist), not sources.
 *
 * @example
 * requireBuilt(here, ['../dist/index.js', '../../core/dist/index.js'], '@paste/session-redis')
 */
export function requireBuilt(dir: string, files: readonly string[], pkg: string): void {
  const missing = files.filter((file) => !existsSync(join(dir, file)))
  if (missing.length > 0)
    throw new Error(
      `this test runs the built packages; missing ${missing.join(', ')}: run "pnpm turbo run build --filter=${pkg}..." first`,
    )
}
