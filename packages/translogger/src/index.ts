import {
  type Context,
  createKey,
  isHttpError,
  type Key,
  type Middleware,
  whenSent,
} from '@paste/core'
import { onBodyDone } from '@paste/response'
import {
  type AccessLogEntry,
  type AccessOutcome,
  formatCombined,
  formatCommon,
  formatJson,
} from './format.js'

export { escapeBytes, escapeText } from './escape.js'
export {
  type AccessLogEntry,
  type AccessOutcome,
  apacheTime,
  formatCombined,
  formatCommon,
  formatJson,
} from './format.js'

/** A writable stream (`process.stdout`, `fs.createWriteStream(...)`): gets `line + '\n'`. */
export interface LineWriter {
  write(chunk: string): unknown
}

/** Where log lines go: a function, or a writable stream. */
export type AccessLogSink = ((line: string, entry: AccessLogEntry) => void) | LineWriter

/**
 * Options for {@link transLogger}.
 *
 * @example
 * const options: TransLoggerOptions = { format: 'json', sink: process.stdout, skip: (r) => r.url.endsWith('/health') }
 * const site = pipe(app, transLogger(options))
 */
export interface TransLoggerOptions {
  /**
   * `combined` / `common` (Apache), `json` (one object per line), or a function of the entry.
   * @default 'combined'
   */
  format?: 'combined' | 'common' | 'json' | ((entry: AccessLogEntry) => string)
  /** Where lines go. @default the context logger, at `level` */
  sink?: AccessLogSink
  /** The context-logger method used when no `sink` is given. @default 'info' */
  level?: 'debug' | 'info' | 'warn' | 'error'
  /** Write Apache times in UTC instead of local time. @default false */
  utc?: boolean
  /** The user logged, from the context this filter receives. @default (context) => context.remoteUser */
  user?: (context: Context) => string | undefined
  /** The protocol in the request line (a Fetch `Request` does not carry it). @default 'HTTP/1.1' */
  protocol?: string
  /** Requests not to log (health checks). @default log everything */
  skip?: (request: Request, context: Context) => boolean
}

/** What `transLogger` hands down, so an app below it can name the user to log. */
export interface AccessLogRecord {
  /** Sets the user written in this request's log line. */
  setUser(user: string | undefined): void
}

/**
 * The context slot holding this request's {@link AccessLogRecord}.
 *
 * @example
 * context.get(accessLogKey)?.setUser(context.remoteUser)
 */
export const accessLogKey: Key<AccessLogRecord> = createKey<AccessLogRecord>('@paste/translogger')

/**
 * Records `context.remoteUser` as seen at this point into the access log: place it below
 * an authentication filter, whose derived context the logger above cannot see.
 *
 * @example
 * // outermost first: the logger, then the auth filter, then recordUser inside it
 * const site = pipe(app, transLogger(), authBasic({ ... }), recordUser())
 */
export function recordUser(): Middleware {
  return (app) =>
    function recordUser(request, context) {
      if (context.remoteUser !== undefined) context.get(accessLogKey)?.setUser(context.remoteUser)
      return app(request, context)
    }
}

const FORMATS = { combined: formatCombined, common: formatCommon } as const

function resolveFormat(options: TransLoggerOptions): (entry: AccessLogEntry) => string {
  const format = options.format ?? 'combined'
  const utc = options.utc ?? false
  if (typeof format === 'function') return format
  if (format === 'json') return formatJson
  const apache = FORMATS[format]
  if (apache === undefined)
    throw new TypeError(
      "@paste/translogger: format must be 'combined', 'common', 'json' or a function",
    )
  return (entry) => apache(entry, utc)
}

function resolveSink(
  options: TransLoggerOptions,
): (line: string, entry: AccessLogEntry, context: Context) => void {
  const sink = options.sink
  const level = options.level ?? 'info'
  if (!['debug', 'info', 'warn', 'error'].includes(level))
    throw new TypeError("@paste/translogger: level must be 'debug', 'info', 'warn' or 'error'")
  if (sink === undefined) return (line, _entry, context) => context.logger[level](line)
  if (typeof sink === 'function') return (line, entry) => sink(line, entry)
  if (typeof sink.write === 'function') return (line) => void sink.write(`${line}\n`)
  throw new TypeError('@paste/translogger: sink must be a function or have a write(line) method')
}

// Either separator in a protocol would let a caller break the request line.
const PROTOCOL = /^[A-Za-z0-9./-]{1,32}$/

/**
 * Access-log middleware (Paste's `TransLogger`): one line per request in Apache combined
 * (default), common or JSON format, written after the response body has been sent, with
 * the bytes actually sent, the duration, and client disconnects marked.
 *
 * @example
 * const site = pipe(app, transLogger({ sink: process.stdout }))
 */
export function transLogger(options: TransLoggerOptions = {}): Middleware {
  const format = resolveFormat(options)
  const sink = resolveSink(options)
  const userOf = options.user ?? ((context: Context) => context.remoteUser)
  const protocol = options.protocol ?? 'HTTP/1.1'
  if (!PROTOCOL.test(protocol))
    throw new TypeError('@paste/translogger: protocol must look like HTTP/1.1')
  const skip = options.skip
  return (app) =>
    async function transLogger(request, context) {
      // Not logged at all (health checks and the like).
      if (skip?.(request, context)) return app(request, context)
      const started = performance.now()
      const time = new Date()
      let user = userOf(context)
      const record: AccessLogRecord = { setUser: (name) => void (user = name) }
      const write = (status: number, outcome: AccessOutcome, bytes: number) => {
        const url = new URL(request.url)
        const entry: AccessLogEntry = {
          time,
          remoteAddress: context.remoteAddress,
          remoteUser: user,
          method: request.method,
          target: url.pathname + url.search,
          protocol,
          status,
          bytes,
          referer: request.headers.get('referer') ?? undefined,
          userAgent: request.headers.get('user-agent') ?? undefined,
          durationMs: performance.now() - started,
          outcome,
        }
        try {
          sink(format(entry), entry, context)
        } catch (error) {
          context.logger.error('@paste/translogger: the log sink failed', { error })
        }
      }
      let response: Response
      try {
        response = await app(request, context.with(accessLogKey, record))
      } catch (error) {
        // Logged with the status the server will send, then handed on unchanged.
        write(isHttpError(error) ? error.status : 500, 'complete', 0)
        throw error
      }
      // HEAD: the server sends no body and cancels it, which is not a disconnect.
      if (request.method === 'HEAD') {
        write(response.status, 'complete', 0)
        return response
      }
      // A server that reports when the response has left (@paste/httpserver): no wrapping,
      // the body keeps its fast path and the line gets the bytes actually written.
      if (whenSent(request, (outcome, sent) => write(response.status, outcome, sent)))
        return response
      // Elsewhere: counted as the server reads (pull-based, backpressure kept); a cancel is a
      // disconnect.
      let bytes = 0
      return onBodyDone(
        response,
        (outcome) => write(response.status, outcome === 'cancel' ? 'aborted' : outcome, bytes),
        { onChunk: (chunk) => void (bytes += chunk.byteLength) },
      )
    }
}
