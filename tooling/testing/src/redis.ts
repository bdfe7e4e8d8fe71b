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

function probe(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * A free loopback port. A cluster node also needs port + 10000 (its cluster bus) below 65536:
 * then both are probed in 20000-29999.
 */
async function freePort(cluster: boolean): Promise<number> {
  if (!cluster) return probe(0)
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 10000)
    try {
      await probe(port)
      await probe(port + 10000)
      return port
    } catch {
      // taken: try another
    }
  }
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

function launch(
  bin: string,
  port: number,
  dir: string,
  extra: string[] = [],
): Promise<ChildProcess> {
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
      ...extra,
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
export async function startRedis(extra: string[] = []): Promise<RedisServer> {
  const bin = binary()
  const dir = mkdtempSync(join(tmpdir(), 'paste-redis-'))
  let port = 0
  let child: ChildProcess | undefined
  for (let attempt = 0; !child; attempt++) {
    port = await freePort(extra.includes('--cluster-enabled'))
    try {
      child = await launch(bin, port, dir, extra)
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
      child = await launch(bin, port, dir, extra)
    },
    async stop() {
      if (child) await exited(child, 'SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A Redis Cluster of `masters` nodes on loopback (no replicas), slots assigned and ready. */
export async function startRedisCluster(
  masters = 3,
): Promise<{ nodes: RedisServer[]; stop(): Promise<void> }> {
  const nodes: RedisServer[] = []
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()))
  }
  try {
    for (let i = 0; i < masters; i++)
      nodes.push(
        await startRedis([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
        ]),
      )
    const cli = (args: string[]) => {
      try {
        const options = { encoding: 'utf8', stdio: 'pipe', timeout: 30_000 } as const
        return execFileSync('redis-cli', args, options)
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string }
        throw new Error(`redis-cli ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`)
      }
    }
    cli([
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ])
    for (let i = 0; ; i++) {
      const ready = nodes.every((n) =>
        cli(['-p', String(n.port), 'cluster', 'info']).includes('cluster_state:ok'),
      )
      if (ready) break
      if (i > 100) throw new Error('the Redis Cluster did not reach cluster_state:ok')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return { nodes, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
