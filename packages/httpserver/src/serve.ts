/*
 * serve(): an App on node:http or node:https, with the timeouts and limits set against slow
 * or hostile clients, graceful close, and an optional node:cluster of workers.
 */
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer, type ServerOptions as TlsOptions } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { App } from '@paste/core'
import { servePrimary, serveWorker } from './cluster.js'
import { type HandlerControl, type NodeHandlerOptions, toNodeHandler } from './handler.js'
import { type IdleClock, reapIdleConnections } from './idle.js'
import { installFastResponse } from './response.js'

/** Options for {@link serve}. */
export interface ServeOptions extends NodeHandlerOptions {
  /** Port; 0 picks any free port (the bound one is in `PasteServer.port`). @default 8080 */
  port?: number
  /** Address to bind (`'::1'`, `'::'` for IPv6). @default '127.0.0.1' */
  host?: string
  /** Serve HTTPS with these TLS options (`key`, `cert`, ...). @default undefined (plain HTTP) */
  https?: TlsOptions
  /** Largest request head (request line + headers) in bytes; past it Node answers 431. @default 16384 */
  maxHeaderSize?: number
  /** Time allowed to receive the whole request, in ms (slow-body clients). @default 60000 */
  requestTimeout?: number
  /** Time allowed to receive the request head, in ms (slowloris). @default 20000 */
  headersTimeout?: number
  /** How long an idle keep-alive connection stays open, in ms. @default 5000 */
  keepAliveTimeout?: number
  /** On `close()`, how long in-flight requests may run before connections are cut, in ms. @default 10000 */
  closeTimeout?: number
  /** Worker processes (node:cluster) sharing the port; `'auto'` is one per CPU. @default 1 (no cluster) */
  workers?: number | 'auto'
  /** The script each worker runs (it must call `serve` again). @default process.argv[1] */
  workerScript?: string
  /** Install {@link FastResponse} as `globalThis.Response` so simple bodies skip Web streams. @default true */
  fastResponse?: boolean
}

/** A running server. */
export interface PasteServer {
  /** The base URL it answers on, e.g. `http://127.0.0.1:40123` or `http://[::1]:40123`. */
  readonly url: string
  /** The bound port (the real one when 0 was asked). */
  readonly port: number
  /** The Node server (in a cluster primary: a server that is not listening; see `workers`). */
  readonly server: Server
  /** In a cluster primary, the number of worker processes; otherwise 0. */
  readonly workers: number
  /** Stops accepting, lets in-flight requests finish (up to `closeTimeout`), then resolves. */
  close(): Promise<void>
}

function check(name: string, value: number | undefined, min = 0): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min))
    throw new TypeError(`@paste/httpserver: ${name} must be an integer >= ${min}`)
}

/** Formats a bound address as a URL base. */
export function baseUrl(address: AddressInfo, secure: boolean): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `${secure ? 'https' : 'http'}://${host}:${address.port}`
}

/**
 * Serves an App on node:http (or node:https with `https`). With `workers`, the calling
 * process becomes a cluster primary that forks that many workers running `workerScript`,
 * each of which calls `serve` again and serves.
 *
 * @example
 * const server = await serve(app, { port: 0 })
 * console.log(`listening on ${server.url}`)
 * await server.close()
 */
export async function serve(app: App, options: ServeOptions = {}): Promise<PasteServer> {
  check('port', options.port)
  if (options.port !== undefined && options.port > 65535)
    throw new TypeError('@paste/httpserver: port must be 0-65535')
  check('maxHeaderSize', options.maxHeaderSize, 1)
  check('requestTimeout', options.requestTimeout)
  check('headersTimeout', options.headersTimeout)
  check('keepAliveTimeout', options.keepAliveTimeout)
  check('closeTimeout', options.closeTimeout)
  const workers = options.workers === 'auto' ? -1 : (options.workers ?? 1)
  if (workers !== -1) check('workers', workers, 1)
  if (workers !== 1) {
    const primary = await servePrimary(options, workers)
    if (primary) return primary
  }
  if (options.fastResponse !== false) installFastResponse()
  const keepAliveTimeout = options.keepAliveTimeout ?? 5_000
  // the keep-alive timeout is enforced here (idle.ts), not by Node's per-socket timers
  const control: HandlerControl = { closing: false, keepAlive: keepAliveTimeout, tick: 0 }
  const handler = toNodeHandler(app, options, control)
  const requestTimeout = options.requestTimeout ?? 60_000
  const settings = {
    maxHeaderSize: options.maxHeaderSize ?? 16 * 1024,
    requestTimeout,
    headersTimeout: Math.min(options.headersTimeout ?? 20_000, requestTimeout || Infinity),
    keepAliveTimeout: 0,
    requireHostHeader: true,
    // how often Node checks requestTimeout/headersTimeout (its default is 30 s)
    connectionsCheckingInterval: 1_000,
  }
  const server: Server = options.https
    ? createHttpsServer({ ...options.https, ...settings }, handler)
    : createHttpServer(settings, handler)
  server.keepAliveTimeout = 0
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  if (
    keepAliveTimeout !== 0 &&
    !reapIdleConnections(server, keepAliveTimeout, control as IdleClock)
  ) {
    // a Node without its connection list: its per-socket timers, as before
    control.keepAlive = 0
    server.keepAliveTimeout = keepAliveTimeout
  }
  const address = server.address() as AddressInfo
  const closeTimeout = options.closeTimeout ?? 10_000
  let closed: Promise<void> | undefined
  const result: PasteServer = {
    url: baseUrl(address, options.https !== undefined),
    port: address.port,
    server,
    workers: 0,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        control.closing = true
        const timer = setTimeout(() => server.closeAllConnections(), closeTimeout)
        timer.unref()
        server.close(() => {
          clearTimeout(timer)
          resolve()
        })
        server.closeIdleConnections()
      })),
  }
  serveWorker(result)
  return result
}
