/**
 * Starts a real redis-server on 127.0.0.1 for the tests (Debian's `redis-server` package,
 * which `.ci/run` installs), on a probed free port, with no persistence except an explicit
 * SAVE into a private directory (so a crash-and-restart test can keep its data). Fails with
 * a clear message if redis-server is missing: never skips silently.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Kills the server (SIGKILL: a crash, not a clean shutdown). */
  kill(): Promise<void>
  /** Starts it again on the same port (loading the last SAVE, if any). */
  restart(): Promise<void>
  /** Stops it and removes its directory. */
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function binary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error(
      'redis-server is not installed: these tests need a real Redis (Debian package "redis-server"; .ci/run installs it)',
    )
  }
}

function launch(bin: string, port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--dir',
      dir,
      '--dbfilename',
      'dump.rdb',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not start on port ${port}:\n${output}`))
    }, 10_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code}:\n${output}`))
    })
  })
}

function exited(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}

/** Starts redis-server on a free loopback port. */
export async function startRedis(): Promise<RedisServer> {
  const bin = binary()
  const dir = mkdtempSync(join(tmpdir(), 'paste-redis-'))
  let port = 0
  let child: ChildProcess | undefined
  for (let attempt = 0; !child; attempt++) {
    port = await freePort()
    try {
      child = await launch(bin, port, dir)
    } catch (error) {
      if (attempt >= 3) throw error
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      if (child) await exited(child, 'SIGKILL')
    },
    async restart() {
      if (child) await exited(child, 'SIGKILL')
      child = await launch(bin, port, dir)
    },
    async stop() {
      if (child) await exited(child, 'SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
