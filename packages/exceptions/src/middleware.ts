import { type App, type Context, isHttpError, type Middleware } from '@paste/core'
import { onBodyDone } from '@paste/response'
import { type CollectLimits, collectError } from './collect.js'
import { incidentId } from './ids.js'
import { createRedactor, DEFAULT_SECRET_PATTERN, type Redactor } from './redact.js'
import { debugErrorResponse, genericErrorResponse } from './render.js'
import type { ErrorReport } from './report.js'
import { type ErrorReporter, loggerReporter, runReporters } from './reporters.js'

/** @paste/httpserver's hook for a file it pipes itself (fileapp sets it); never read here. */
const SEND_FILE = Symbol.for('@paste/httpserver.sendFile')

function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true
  // a Response from another realm or polyfill
  const v = value as Partial<Response> | null | undefined
  return (
    typeof v?.status === 'number' && typeof v.headers?.get === 'function' && 'body' in (v as object)
  )
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`
}

/**
 * Options for {@link errorMiddleware}.
 *
 * @example
 * const options: ErrorMiddlewareOptions = { reporters: [loggerReporter()], redactHeaders: ['x-tenant'] }
 * const site = pipe(app, errorMiddleware(options))
 */
export interface ErrorMiddlewareOptions {
  /**
   * Show the full report (error chain, stack frames with source, request headers) to the
   * client. NEVER in production: it discloses code, paths and request data. @default false
   */
  debug?: boolean
  /** Where reports go. @default [loggerReporter()] */
  reporters?: readonly ErrorReporter[]
  /** Render branded HTTP errors (`error.toResponse`) instead of rethrowing them. @default false */
  renderHttpErrors?: boolean
  /** Header, query parameter and property names whose values are redacted. @default DEFAULT_SECRET_PATTERN */
  secretPattern?: RegExp
  /** More header names always redacted (Authorization, Cookie, Set-Cookie, Proxy-Authorization always are). @default [] */
  redactHeaders?: readonly string[]
  /** Lines of source shown either side of each application frame; 0 reads no files. @default 5 */
  sourceContext?: number
  /** Frames kept per error. @default 50 */
  maxFrames?: number
  /** Errors kept from a chain of causes and AggregateError members. @default 10 */
  maxErrors?: number
  /** A reporter still running after this many ms is logged as timed out and abandoned. @default 10_000 */
  reporterTimeout?: number
  /** The production page's message (Paste's `error_message`). @default 'An error occurred. It has been reported; please quote the incident id below.' */
  errorMessage?: string
}

function count(value: number | undefined, fallback: number, name: string, min: number): number {
  const n = value ?? fallback
  if (!(Number.isInteger(n) && n >= min))
    throw new TypeError(`@paste/exceptions: ${name} must be an integer >= ${min}`)
  return n
}

interface Resolved {
  debug: boolean
  reporters: readonly ErrorReporter[]
  renderHttpErrors: boolean
  redactor: Redactor
  limits: CollectLimits
  reporterTimeout: number
  errorMessage: string
}

function resolve(options: ErrorMiddlewareOptions): Resolved {
  if (options.debug !== undefined && typeof options.debug !== 'boolean')
    throw new TypeError('@paste/exceptions: debug must be a boolean (true or false), not a string')
  if (options.secretPattern !== undefined && !(options.secretPattern instanceof RegExp))
    throw new TypeError('@paste/exceptions: secretPattern must be a RegExp')
  const reporters = [...(options.reporters ?? [loggerReporter()])]
  if (!reporters.every((r) => typeof r?.report === 'function'))
    throw new TypeError('@paste/exceptions: reporters must have a report() method')
  return {
    debug: options.debug === true,
    reporters,
    renderHttpErrors: options.renderHttpErrors === true,
    redactor: createRedactor(
      options.secretPattern ?? DEFAULT_SECRET_PATTERN,
      options.redactHeaders,
    ),
    limits: {
      sourceContext: count(options.sourceContext, 5, 'sourceContext', 0),
      maxFrames: count(options.maxFrames, 50, 'maxFrames', 1),
      maxErrors: count(options.maxErrors, 10, 'maxErrors', 1),
    },
    reporterTimeout: count(options.reporterTimeout, 10_000, 'reporterTimeout', 1),
    errorMessage:
      options.errorMessage ??
      'An error occurred. It has been reported; please quote the incident id below.',
  }
}

/**
 * Catches what the app below throws or rejects with, and errors raised while the response
 * body streams. Branded HTTP errors pass through (or are rendered with `renderHttpErrors`).
 * Anything else becomes a 500: a generic page with an incident id in production, the
 * cgitb-style report with `debug: true`. Every report goes to the reporters, without
 * delaying the response. Ports `paste.exceptions.errormiddleware.ErrorMiddleware`.
 *
 * @example
 * const site = pipe(app, errorMiddleware({ reporters: [loggerReporter(), mail] }))
 * const dev = pipe(app, errorMiddleware({ debug: process.env.NODE_ENV === 'development' }))
 */
export function errorMiddleware(options: ErrorMiddlewareOptions = {}): Middleware {
  const o = resolve(options)
  const collect = (
    error: unknown,
    request: Request,
    context: Context,
    phase: ErrorReport['phase'],
    incident?: string,
  ) => collectError(error, request, context, phase, o.redactor, o.limits, incident)
  const dispatch = (report: ErrorReport, context: Context) => {
    // not awaited: reporters never delay the response (runReporters never rejects)
    void runReporters(o.reporters, report, context, o.reporterTimeout)
  }
  return (app: App) =>
    // named MIDDLEWARE_FRAME (collect.ts): signatures ignore the frames below this one
    async function catchErrors(request, context) {
      let response: Response
      try {
        response = await app(request, context)
        // an App must return a Response: anything else is the app's bug, reported as such
        if (!isResponse(response))
          throw new TypeError(
            `@paste/exceptions: the app returned ${describeValue(response)}, not a Response`,
          )
      } catch (error) {
        // HTTP errors are answers, not failures: for httpExceptions() or the server above
        if (isHttpError(error)) {
          if (o.renderHttpErrors) return error.toResponse(request, context)
          throw error
        }
        if (o.debug) {
          const report = await collect(error, request, context, 'response')
          dispatch(report, context)
          return debugErrorResponse(request, report)
        }
        // production: answer at once; the report (which may read source files) follows
        const incident = incidentId()
        void collect(error, request, context, 'response', incident).then((r) =>
          dispatch(r, context),
        )
        return genericErrorResponse(request, incident, o.errorMessage)
      }
      // a file the server sends itself (sendfile hook): its errors abort the connection there
      if (SEND_FILE in response) return response
      // the status line is gone once the body streams: a failure there aborts the body
      // (the server drops the connection) and is reported
      if (response.body === null) return response
      return onBodyDone(response, (outcome, error) => {
        if (outcome !== 'error') return
        void collect(error, request, context, 'body').then((report) => dispatch(report, context))
      })
    }
}
