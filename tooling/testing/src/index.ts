/**
 * Test helpers shared by every package.
 *
 * `matrix(name, makeApp, body)` runs one test twice: once in process (a `Request` handed
 * straight to the App) and once through @paste/httpserver on a real loopback socket with
 * Node's own fetch. The body receives a `fetch` bound to whichever transport is running.
 */
import {
  type App,
  type ContextOptions,
  createContext,
  internalServerError,
  isHttpError,
} from '@paste/core'
import { type PasteServer, type ServeOptions, serve } from '@paste/httpserver'
import { afterAll, describe, test } from 'vitest'

/** A fetch whose input may be a path (`/x`) resolved against the transport's base URL. */
export type TestFetch = (input: string, init?: RequestInit) => Promise<Response>

/** Which transport a matrix run uses. */
export type Transport = 'in-process' | 'loopback'

/** Options for {@link matrix}. */
export interface MatrixOptions extends ContextOptions {
  /** Only run these transports. @default both */
  only?: Transport
  /** The client address the in-process run reports. @default '127.0.0.1' */
  remoteAddress?: string
  /** Test timeout in ms. */
  timeout?: number
}

/** Fetches from an App in process, as a server would call it. */
export function inProcessFetch(app: App, options: MatrixOptions = {}): TestFetch {
  return async (input, init) => {
    const request = new Request(new URL(input, 'http://localhost'), init)
    try {
      const context = createContext(request, {
        remoteAddress: options.remoteAddress ?? '127.0.0.1',
        ...options,
      })
      return await app(request, context)
    } catch (error) {
      if (isHttpError(error)) return error.toResponse(request)
      throw error
    }
  }
}

/**
 * Starts an App on a loopback port (127.0.0.1, a free port); call `close()` when done.
 * Takes the server's options too (`maxBodyBytes`, timeouts, `https`...).
 *
 * @example
 * const server = await startServer(app, { maxBodyBytes: 1024 })
 * const response = await server.fetch('/upload', { method: 'POST', body: 'x' })
 * await server.close()
 */
export async function startServer(
  app: App,
  options: ContextOptions & Omit<ServeOptions, 'port' | 'host' | 'workers'> = {},
): Promise<PasteServer & { fetch: TestFetch }> {
  const server = await serve(app, { ...options, port: 0, host: '127.0.0.1' })
  const fetchFrom: TestFetch = (input, init) =>
    fetch(new URL(input, server.url), { redirect: 'manual', ...init })
  return Object.assign(server, { fetch: fetchFrom })
}

/**
 * Runs `body` against the App twice: in process and through a real loopback server.
 *
 * @example
 * matrix('says hello', () => hello, async (fetch) => {
 *   expect(await (await fetch('/')).text()).toBe('hello')
 * })
 */
export function matrix(
  name: string,
  makeApp: () => App,
  body: (fetch: TestFetch, transport: Transport) => Promise<void>,
  options: MatrixOptions = {},
): void {
  describe(name, () => {
    if (options.only !== 'loopback') {
      test(
        'in process',
        async () => body(inProcessFetch(makeApp(), options), 'in-process'),
        options.timeout,
      )
    }
    if (options.only !== 'in-process') {
      test(
        'through a loopback server',
        async () => {
          const server = await startServer(makeApp(), options)
          try {
            await body(server.fetch, 'loopback')
          } finally {
            await server.close()
          }
        },
        options.timeout,
      )
    }
  })
}

/** Starts a server once for a whole file (closed after all tests). */
export function useServer(
  makeApp: () => App,
  options: ContextOptions = {},
): () => PasteServer & { fetch: TestFetch } {
  let server: (PasteServer & { fetch: TestFetch }) | undefined
  const ready = startServer(makeApp(), options).then((s) => (server = s))
  afterAll(async () => (await ready).close())
  return () => {
    if (!server) throw new Error('useServer: call inside a test (after the server started)')
    return server
  }
}

/** A plain 500 for uncaught errors, as a server would answer (for in-process wrappers). */
export { internalServerError }
export { type ChildServer, requireBuilt, startNodeServer } from './child.js'
export { curl, type RawResponse, rawRequest } from './raw.js'
export { type RedisServer, startRedis, startRedisCluster } from './redis.js'
export { bestOf } from './timing.js'
export { TRAVERSAL_TARGETS, traversalPath } from './traversal.js'
