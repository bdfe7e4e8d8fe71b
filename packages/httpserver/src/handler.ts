/*
 * App -> Node (req, res). The synchronous path stays synchronous: no async function, no
 * promise unless the App returns one. Thrown errors: branded HTTP errors render
 * themselves; anything else is logged and answered with a plain 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  type App,
  type Context,
  type ContextOptions,
  consoleLogger,
  contextBuilder,
  internalServerError,
  isHttpError,
  isPathPrefix,
  type Logger,
  MalformedRequestError,
  type RequestParts,
  type SentCallback,
  type SentOutcome,
} from '@paste/core'
import { oversized, PayloadTooLargeError } from './body.js'
import { acquire, type Connection, release, watch } from './connection.js'
import { kIdleStamp } from './idle.js'
import { lazyRequest, sentCallbacks } from './request.js'
import { isFastResponse, NativeResponseClass } from './response.js'
import { keepNextTickFast } from './ticks.js'
import { type SentBytes, writeResponse } from './write.js'

/** Options for {@link toNodeHandler}. */
export interface NodeHandlerOptions extends ContextOptions {
  /** Largest request body in bytes; past it the body read fails and the client gets 413. @default 104857600 (100 MiB) */
  maxBodyBytes?: number
}

/** Internal: state shared with {@link serve}. */
export interface HandlerControl {
  /** Set while the server closes: responses then close their connection. */
  closing: boolean
  /**
   * The keep-alive timeout the server enforces itself (idle.ts), in ms; 0 when Node does.
   * Node then knows none, so the handler gives it to each response for its
   * `Keep-Alive: timeout=N` header.
   */
  keepAlive?: number
  /** The idle sweep count, stamped on a connection when a request on it is answered. */
  tick?: number
}

type ServerResponseInternals = ServerResponse & { _keepAliveTimeout?: number }

type MountedRequest = IncomingMessage & { originalUrl?: string }

// What one scan of rawHeaders found (module state: the scan and its use are synchronous).
let scannedHost: string | undefined
let scannedHosts = 0
let scannedLength: string | undefined

/**
 * Finds Host and Content-Length in rawHeaders without building `req.headers` (Node builds
 * that object lazily, and it costs more than the rest of a hello-world request).
 */
function scanHeaders(raw: string[]): void {
  scannedHost = undefined
  scannedHosts = 0
  scannedLength = undefined
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    if (name.length === 4) {
      if (name === 'Host' || name === 'host' || name.toLowerCase() === 'host') {
        scannedHost = raw[i + 1]!
        scannedHosts++
      }
    } else if (name.length === 14 && name.toLowerCase() === 'content-length')
      scannedLength = raw[i + 1]!
  }
}

// The request whose context is being built (contextBuilder reads headers synchronously).
let current: IncomingMessage | undefined

function readHeader(name: string): string | undefined {
  if (name === 'host') return scannedHost
  const value = current!.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * Converts an App to a Node `(req, res)` handler, for `http.createServer`, Express,
 * Connect or Fastify. Mounted under a prefix (Express `app.use('/x', ...)`, Connect), the
 * prefix becomes the context's scriptName.
 *
 * @example
 * http.createServer(toNodeHandler(app)).listen(8080)
 * expressApp.use('/paste', toNodeHandler(app))
 */
export function toNodeHandler(
  app: App,
  options: NodeHandlerOptions = {},
  control: HandlerControl = { closing: false },
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? 100 * 1024 * 1024
  if (!(maxBodyBytes >= 0))
    throw new TypeError('@paste/httpserver: maxBodyBytes must be a non-negative number')
  // node:http's own process.nextTick calls stay fast after full GCs (ticks.ts)
  keepNextTickFast()
  const build = contextBuilder(options)
  const logger: Logger = options.logger ?? consoleLogger
  // One parts record reused for every request: contextBuilder copies what it keeps.
  const parts: RequestParts = { target: '/', header: readHeader, secure: false }

  function fail(error: unknown, request: Request | undefined, context?: Context): Response {
    if (isHttpError(error)) {
      try {
        return error.toResponse(request ?? new Request('http://invalid/'), context)
      } catch (renderError) {
        error = renderError
      }
    }
    logger.error('@paste/httpserver: unhandled error', { error })
    return internalServerError()
  }

  /** The request is answered: its controller is free, its connection idle from now. */
  function done(connection: Connection): void {
    release(connection)
    if (control.keepAlive)
      (connection.socket as { [kIdleStamp]?: number })[kIdleStamp] = control.tick ?? 0
  }

  return function pasteHandler(req: IncomingMessage, res: ServerResponse): void {
    // Node's own field for the Keep-Alive header: it reads it only to write that header
    const keepAlive = control.keepAlive
    if (keepAlive) (res as ServerResponseInternals)._keepAliveTimeout = keepAlive
    const connection = acquire(req.socket, res)
    const signal = connection.signal
    let request: Request | undefined
    let result: Response | Promise<Response>
    try {
      const context = contextFor(req, connection)
      request = lazyRequest(req, context, signal, maxBodyBytes)
      // RFC 9110 section 8.6: a declared length over the limit is refused before reading.
      const length = scannedLength
      if (length !== undefined && Number(length) > maxBodyBytes) {
        oversized.add(req)
        throw new PayloadTooLargeError(maxBodyBytes)
      }
      result = app(request, context)
      if (typeof (result as Partial<Promise<Response>>).then === 'function') {
        watch(connection)
        Promise.resolve(result)
          .then(
            (response) => finish(req, res, response, connection, request),
            (error) => finish(req, res, fail(error, request, context), connection, request),
          )
          // last line of defence: a failure here must not become an unhandled rejection
          .catch(() => res.destroy())
        return
      }
    } catch (error) {
      result = fail(error, request)
    }
    finish(req, res, result as Response, connection, request)
  }

  function finish(
    req: IncomingMessage,
    res: ServerResponse,
    response: Response,
    connection: Connection,
    request: Request | undefined,
  ): void {
    if (!isFastResponse(response) && !(response instanceof NativeResponseClass)) {
      logger.error('@paste/httpserver: the App returned something other than a Response', {
        type: typeof response,
      })
      response = internalServerError()
    }
    if (res.headersSent || res.destroyed) {
      // the client left before the answer (or it was written elsewhere): nothing of it is sent
      const waiting = sentCallbacks(request)
      if (waiting !== undefined) callSent(waiting, res.destroyed ? 'aborted' : 'complete', 0)
      done(connection)
      return
    }
    // close after a refused body (its rest is unread) or while the server shuts down
    const close = control.closing || oversized.has(req)
    // someone asked to hear when this response has left (@paste/core's whenSent)
    const callbacks = sentCallbacks(request)
    const sent = callbacks === undefined ? undefined : reportSent(res, callbacks)
    try {
      const pending = writeResponse(res, response, req.method === 'HEAD', close, logger, sent)
      if (pending === undefined) done(connection)
      else {
        watch(connection)
        pending.then(() => done(connection))
      }
    } catch (error) {
      logger.error('@paste/httpserver: error while writing the response', { error })
      if (sent) sent.error = true
      res.destroy()
      done(connection)
    }
  }

  function callSent(callbacks: readonly SentCallback[], outcome: SentOutcome, bytes: number): void {
    for (const callback of callbacks) {
      try {
        callback(outcome, bytes)
      } catch (error) {
        logger.error('@paste/httpserver: a sent callback threw', { error })
      }
    }
  }

  /** Calls each callback once the response has left: complete, aborted or failed, with its body bytes. */
  function reportSent(res: ServerResponse, callbacks: readonly SentCallback[]): SentBytes {
    const sent: SentBytes = { bytes: 0, error: false }
    // 'close' follows 'finish' once the response is written, or comes alone when the connection is lost
    res.once('close', () => {
      const outcome: SentOutcome = sent.error
        ? 'error'
        : res.writableFinished
          ? 'complete'
          : 'aborted'
      callSent(callbacks, outcome, sent.bytes)
    })
    return sent
  }

  function contextFor(req: MountedRequest, connection: Connection): Context {
    const raw = req.url ?? '/'
    const original = req.originalUrl
    scanHeaders(req.rawHeaders)
    // RFC 9112 section 3.2: more than one Host is a 400
    if (scannedHosts > 1) throw new MalformedRequestError('more than one Host header')
    parts.target = original ?? raw
    // asked only if read (Node creates a per-socket record the first time anyone asks); the
    // socket itself is the source, so nothing is allocated for it per request
    parts.peer = connection.socket
    parts.secure = (req.socket as { encrypted?: boolean }).encrypted === true
    parts.signal = connection.signal
    current = req
    let context: Context
    try {
      context = build(parts)
    } finally {
      current = undefined
    }
    if (original === undefined || original === raw) return context
    // Mounted by Express/Connect: they strip the mount prefix from req.url.
    const q = raw.indexOf('?')
    const rest = q === -1 ? raw : raw.slice(0, q)
    const pathInfo = context.pathInfo
    const prefix =
      rest === '/' && !pathInfo.endsWith('/')
        ? pathInfo
        : pathInfo.endsWith(rest)
          ? pathInfo.slice(0, pathInfo.length - rest.length)
          : ''
    return prefix !== '' && isPathPrefix(prefix, pathInfo) ? context.shift(prefix) : context
  }
}
