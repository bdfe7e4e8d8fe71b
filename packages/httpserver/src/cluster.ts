/*
 * Several worker processes sharing one port through node:cluster (the role of Paste's
 * thread pool: use every core). The primary forks, waits until every worker listens,
 * restarts a worker that dies (within a budget), and on close() asks each worker to close
 * its server gracefully and exit, killing any that do not within the close timeout.
 */
import cluster, { type Worker } from 'node:cluster'
import { createServer } from 'node:http'
import { availableParallelism } from 'node:os'
import { consoleLogger } from '@paste/core'
import type { PasteServer, ServeOptions } from './serve.js'
import { baseUrl } from './serve.js'

const CLOSE = '@paste/httpserver:close'
const ENV = 'PASTE_HTTPSERVER_WORKER'

/**
 * In a cluster primary, forks the workers and resolves once all listen; in a worker (or
 * a process that is not a cluster primary), resolves undefined so the caller serves.
 */
export async function servePrimary(
  options: ServeOptions,
  requested: number,
): Promise<PasteServer | undefined> {
  if (!cluster.isPrimary) return undefined
  const count = requested === -1 ? availableParallelism() : requested
  const logger = options.logger ?? consoleLogger
  const closeTimeout = options.closeTimeout ?? 10_000
  cluster.setupPrimary({
    exec: options.workerScript ?? process.argv[1]!,
    args: process.argv.slice(2),
  })
  const workers = new Set<Worker>()
  let closing = false
  let restarts = 0
  const fork = (): Worker => {
    const worker = cluster.fork({ [ENV]: '1' })
    workers.add(worker)
    worker.once('exit', (code, signal) => {
      workers.delete(worker)
      if (closing) return
      logger.error('@paste/httpserver: worker died', { pid: worker.process.pid, code, signal })
      // Restart, but not in a loop: a worker that cannot start fails for good.
      if (++restarts <= count * 3) fork()
    })
    return worker
  }
  const listening = Array.from(
    { length: count },
    () =>
      new Promise<{ address: string; port: number; addressType: number | string }>(
        (resolve, reject) => {
          const worker = fork()
          worker.once('listening', resolve)
          worker.once('exit', () =>
            reject(new Error('@paste/httpserver: a worker exited before listening')),
          )
        },
      ),
  )
  let first: { address: string; port: number; addressType: number | string }
  try {
    ;[first] = (await Promise.all(listening)) as [typeof first]
  } catch (error) {
    closing = true
    for (const worker of workers) worker.kill()
    throw error
  }
  const ipv6 = first.addressType === 6 || first.addressType === 'udp6'
  const url = baseUrl(
    { address: first.address, port: first.port, family: ipv6 ? 'IPv6' : 'IPv4' },
    options.https !== undefined,
  )
  let closed: Promise<void> | undefined
  const close = () =>
    (closed ??= (async () => {
      closing = true
      await Promise.all(
        [...workers].map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve()
              const timer = setTimeout(() => worker.kill('SIGKILL'), closeTimeout + 2_000)
              worker.once('exit', () => {
                clearTimeout(timer)
                resolve()
              })
              worker.send(CLOSE)
            }),
        ),
      )
    })())
  return { url, port: first.port, server: createServer(), workers: count, close }
}

/** In a worker forked by {@link servePrimary}: close gracefully and exit when asked. */
export function serveWorker(server: PasteServer): void {
  if (!cluster.isWorker || process.env[ENV] !== '1') return
  process.on('message', (message) => {
    if (message === CLOSE) server.close().then(() => process.exit(0))
  })
}
