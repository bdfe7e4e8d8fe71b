import type { Server } from 'node:http'
import type { App } from '@paste/core'
import { type ServeOptions, serve } from '@paste/httpserver'
import { checkInteger } from './page.js'

/** Options for {@link regressionServer}: these, and `serve`'s own (not `workers`). */
export interface RegressionServerOptions
  extends Omit<ServeOptions, 'workers' | 'workerScript' | 'port' | 'host'> {
  /** Requests to answer before closing (more can be allowed with `accept`). @default 1 */
  expected?: number
  /** Close after this many ms without a request ending (Paste: 10 s). @default 10000 */
  timeout?: number
  /** Port; 0 picks a free one. @default 0 */
  port?: number
  /** Address to bind: loopback. @default '127.0.0.1' */
  host?: string
  /** On closing, how long in-flight requests may run before connections are cut, in ms. @default 2000 */
  closeTimeout?: number
}

/** How a {@link regressionServer} ended. */
export interface RegressionOutcome {
  /** Requests that ended: answered, or abandoned by their client. */
  requests: number
  /** Of those, how many the client left before the whole answer was sent. */
  aborted: number
  /** Closed because `timeout` passed with fewer than `expected` requests. */
  timedOut: boolean
}

/** A running regression server. */
export interface RegressionServer {
  /** The base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string
  /** The bound port. */
  readonly port: number
  /** Settles when the server has closed, with how it ended; never rejects. */
  readonly done: Promise<RegressionOutcome>
  /** Expects `count` more requests (Paste's `accept`); throws once the server is closing. */
  accept(count?: number): void
  /** Closes now (in-flight requests may finish within `closeTimeout`); resolves as `done`. */
  close(): Promise<RegressionOutcome>
}

/**
 * Counts the requests of `server` as they end (answered, or left by their client), calling
 * `ended` after each; `settled()` waits for those still running (a response's 'close' follows
 * its socket's by a tick, so it can come after the server's).
 */
function tally(server: Server, outcome: RegressionOutcome, ended: () => void) {
  let inFlight = 0
  let drained = () => {}
  server.on('request', (_request, response) => {
    inFlight += 1
    response.once('close', () => {
      outcome.requests += 1
      if (!response.writableFinished) outcome.aborted += 1
      inFlight -= 1
      if (inFlight === 0) drained()
      ended()
    })
  })
  return {
    settled: () => (inFlight === 0 ? undefined : new Promise<void>((r) => (drained = r))),
  }
}

/**
 * Serves `app` with `@paste/httpserver` on loopback until `expected` requests have ended or
 * `timeout` ms pass without one ending, then closes (idle keep-alive connections too) and
 * settles `done` with the outcome: for a test or a script that drives a real server
 * (Paste's WSGIRegressionServer).
 *
 * @example
 * const server = await regressionServer(app, { expected: 2 })
 * await fetch(`${server.url}/foo`)
 * await fetch(`${server.url}/bar`)
 * const { requests, timedOut } = await server.done
 */
export async function regressionServer(
  app: App,
  options: RegressionServerOptions = {},
): Promise<RegressionServer> {
  const { expected = 1, timeout = 10_000, ...rest } = options
  checkInteger('expected', expected, 1)
  checkInteger('timeout', timeout, 1)
  const server = await serve(app, {
    ...rest,
    port: rest.port ?? 0,
    host: rest.host ?? '127.0.0.1',
    closeTimeout: rest.closeTimeout ?? 2_000,
  })
  const outcome: RegressionOutcome = { requests: 0, aborted: 0, timedOut: false }
  let wanted = expected
  let closing: Promise<RegressionOutcome> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const requests = tally(server.server, outcome, () => {
    if (closing !== undefined) return
    if (outcome.requests >= wanted) void close(false)
    else arm() // as Paste: the timeout runs from the last request that ended
  })
  let finish: (final: RegressionOutcome) => void = () => {}
  const done = new Promise<RegressionOutcome>((resolve) => (finish = resolve))
  const close = (timedOut: boolean) => {
    if (closing !== undefined) return closing
    clearTimeout(timer)
    outcome.timedOut = timedOut
    closing = server
      .close()
      .then(requests.settled)
      .then(() => {
        const final = { ...outcome }
        finish(final)
        return final
      })
    return closing
  }
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => void close(true), timeout)
  }
  arm()
  return {
    url: server.url,
    port: server.port,
    done,
    accept(count = 1) {
      checkInteger('accept count', count, 1)
      if (closing !== undefined)
        throw new Error('@paste/debug-apps: the regression server is closing; accept() is too late')
      wanted += count
    },
    close: () => close(false),
  }
}
