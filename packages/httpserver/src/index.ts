import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import {
  type App,
  type ContextOptions,
  contextBuilder,
  internalServerError,
  isHttpError,
} from '@paste/core'

// NOTE: first, straightforward version; the fast path (lazy Request, direct socket writes)
// replaces it. The exported API below is the contract other packages rely on.

/** Options for {@link toNodeHandler}. */
export interface NodeHandlerOptions extends ContextOptions {}

/**
 * Converts an App to a Node `(req, res)` handler, for `http.createServer`, Express, Connect
 * or Fastify.
 *
 * @example
 * http.createServer(toNodeHandler(app)).listen(8080)
 */
export function toNodeHandler(app: App, options: NodeHandlerOptions = {}) {
  const build = contextBuilder(options)
  const logger = options.logger
  return async function pasteHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controller = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) controller.abort()
    })
    let response: Response
    let request: Request | undefined
    try {
      const context = build({
        target: req.url ?? '/',
        header: (name) => {
          const v = req.headers[name]
          return Array.isArray(v) ? v.join(', ') : v
        },
        remoteAddress: req.socket.remoteAddress ?? '',
        remotePort: req.socket.remotePort ?? 0,
        secure: Boolean((req.socket as { encrypted?: boolean }).encrypted),
        signal: controller.signal,
      })
      request = toRequest(req, context.origin, controller.signal)
      response = await app(request, context)
    } catch (error) {
      if (isHttpError(error))
        response = error.toResponse(request ?? new Request('http://localhost/'))
      else {
        ;(logger ?? console).error('@paste/httpserver: unhandled error', { error })
        response = internalServerError()
      }
    }
    await writeResponse(req, res, response)
  }
}

function toRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  const method = req.method ?? 'GET'
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal }
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>
    init.duplex = 'half'
  }
  const target = req.url?.startsWith('/') ? req.url : '/'
  return new Request(origin + target, init)
}

async function writeResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: Response,
): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  try {
    res.writeHead(response.status, response.statusText, headers)
  } catch (error) {
    console.error('@paste/httpserver: invalid response headers', { error })
    await response.body?.cancel()
    res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error\n')
    return
  }
  if (!response.body || req.method === 'HEAD') {
    await response.body?.cancel()
    res.end()
    return
  }
  try {
    for await (const chunk of response.body) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve))
      if (res.destroyed) break
    }
    res.end()
  } catch (error) {
    console.error('@paste/httpserver: error while streaming the body', { error })
    res.destroy()
  }
}

/** Options for {@link serve}. */
export interface ServeOptions extends NodeHandlerOptions {
  /** Port; 0 picks any free port. @default 8080 */
  port?: number
  /** Address to bind. @default '127.0.0.1' */
  host?: string
}

/** A running server. */
export interface PasteServer {
  /** The base URL it answers on, e.g. `http://127.0.0.1:40123`. */
  readonly url: string
  readonly port: number
  readonly server: Server
  /** Stops accepting connections and resolves when open ones are done. */
  close(): Promise<void>
}

/**
 * Serves an App.
 *
 * @example
 * const server = await serve(app, { port: 0 })
 * console.log(`listening on ${server.url}`)
 */
export async function serve(app: App, options: ServeOptions = {}): Promise<PasteServer> {
  const server = createServer(toNodeHandler(app, options))
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 8080, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shown}:${address.port}`,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }),
  }
}
