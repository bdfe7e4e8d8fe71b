import type { Context, Logger, Middleware } from '@paste/core'
import { LintTracker, lintTrackerKey, type Report, watchBody } from './body.js'
import { checkContext, checkContextUrl } from './context.js'
import { LINT_RULES, LintError, type LintRule } from './error.js'
import {
  checkEntityHeaders,
  checkFields,
  checkSetCookies,
  checkStatus,
  type Finding,
} from './head.js'
import { guardRequest } from './request.js'

export { type BodyOutcome, LintTracker, lintTrackerKey } from './body.js'
export { LINT_RULES, LintError, type LintRule } from './error.js'
export { isUriReference } from './head.js'

/**
 * Options for {@link lint}.
 *
 * @example
 * const options: LintOptions = { mode: 'warn', ignore: ['context-url'] }
 * const checked = pipe(app, lint(options))
 */
export interface LintOptions {
  /**
   * What a violation does: `throw` a {@link LintError} (a failing test; a 500 through a
   * server; a stream error once the body is streaming), or `warn` through the logger and go on.
   * A non-Response return value always throws: there is nothing to go on with.
   * @default 'throw'
   */
  mode?: 'throw' | 'warn'
  /** Where violations are logged (`error` in throw mode, `warn` in warn mode). @default context.logger */
  logger?: Logger
  /** Rules not to check (see {@link LintRule}). @default [] */
  ignore?: readonly LintRule[]
  /** Called with every violation, whatever the mode (to collect them in a test). */
  onViolation?: (error: LintError) => void
}

interface Resolved {
  throws: boolean
  logger: Logger | undefined
  ignore: ReadonlySet<LintRule>
  onViolation: ((error: LintError) => void) | undefined
}

function resolve(options: LintOptions): Resolved {
  const mode = options.mode ?? 'throw'
  if (mode !== 'throw' && mode !== 'warn')
    throw new TypeError(`@paste/lint: mode must be 'throw' or 'warn', got ${JSON.stringify(mode)}`)
  for (const rule of options.ignore ?? [])
    if (!LINT_RULES.includes(rule))
      throw new TypeError(`@paste/lint: ignore: unknown rule ${JSON.stringify(rule)}`)
  if (options.onViolation !== undefined && typeof options.onViolation !== 'function')
    throw new TypeError('@paste/lint: onViolation must be a function')
  return {
    throws: mode === 'throw',
    logger: options.logger,
    ignore: new Set(options.ignore ?? []),
    onViolation: options.onViolation,
  }
}

function reporter(options: Resolved, context: Context): Report {
  const logger = options.logger ?? context?.logger ?? console
  return (rule, message) => {
    if (options.ignore.has(rule)) return undefined
    const error = new LintError(rule, message)
    options.onViolation?.(error)
    if (!options.throws) {
      logger.warn(error.message, { rule })
      return undefined
    }
    logger.error(error.message, { rule, error })
    return error
  }
}

function isResponse(value: unknown): value is Response {
  return value instanceof Response || Object.prototype.toString.call(value) === '[object Response]'
}

function declaredLength(response: Response, method: string): number | undefined {
  const value = response.headers.get('content-length')
  if (value === null || !/^\d+$/.test(value) || method === 'HEAD' || response.status === 304)
    return undefined
  return Number(value)
}

/**
 * Wraps an App and checks both sides of the contract: the context and request it is given,
 * and the response it returns, including the body as it streams. A violation throws (or
 * warns) with a {@link LintError} naming the {@link LintRule} that was broken.
 *
 * @example
 * const checked = pipe(app, lint())
 * const lenient = pipe(app, lint({ mode: 'warn', ignore: ['context-url'] }))
 */
export function lint(options: LintOptions = {}): Middleware {
  const resolved = resolve(options)
  return (app) =>
    async function lint(request, context) {
      const report = reporter(resolved, context)
      // what the app is given: the context's invariants and its agreement with the URL
      fail(report, checkContext(context))
      fail(report, checkContextUrl(request, context))
      guardRequest(request, report)
      // the outermost lint owns the tracker that finds bodies dropped by the layers below
      const given = isContext(context) ? context.get(lintTrackerKey) : undefined
      const tracker = given ?? new LintTracker()
      const inner = given || !isContext(context) ? context : context.with(lintTrackerKey, tracker)
      const response = checkReturned(await app(request, inner), report)
      const method = request.method.toUpperCase()
      // no query in messages: it may hold tokens
      const label = `${method} ${context.scriptName}${context.pathInfo} -> ${response.status}`
      const head = [
        ...checkStatus(response),
        ...checkFields(response.headers),
        ...checkSetCookies(response.headers),
        ...checkEntityHeaders(response, method),
      ]
      fail(report, head.map(labelled(label)))
      const settle = given ? undefined : () => tracker.finish()
      // nothing streams, or the status cannot carry a body: the exchange is over
      if (response.body === null || !BODY_STATUS(response.status)) {
        const [abandoned] = settle?.() ?? []
        if (abandoned) throw abandoned
        return response
      }
      const body = watchBody(response.body, {
        length: declaredLength(response, method),
        hasContentType: response.headers.has('content-type'),
        label,
        report,
        tracker,
        onComplete: settle,
      })
      const { status, statusText, headers } = response
      return new Response(body, { status, statusText, headers })
    }
}

function fail(report: Report, findings: readonly Finding[]): void {
  for (const { rule, message } of findings) {
    const error = report(rule, message)
    if (error) throw error
  }
}

function isContext(value: unknown): value is Context {
  return typeof (value as Context | null)?.get === 'function'
}

// an App returns a fresh Response; anything else cannot be sent (always fatal)
function checkReturned(returned: unknown, report: Report): Response {
  let message: string | undefined
  if (!isResponse(returned)) message = `the app returned ${describe(returned)}, not a Response`
  else if (returned.bodyUsed || returned.body?.locked)
    message =
      'the app returned a Response whose body was already read or locked; return a fresh Response (or response.clone()) for each request'
  if (message === undefined) return returned as Response
  report('response-type', message)
  throw new LintError('response-type', message)
}

// statuses a Response may carry a body with (RFC 9110 15.3.5, 15.3.6, 15.4.5 exclude 204, 205, 304)
const BODY_STATUS = (status: number) =>
  status >= 200 && status <= 599 && status !== 204 && status !== 205 && status !== 304

function labelled(label: string): (finding: Finding) => Finding {
  return ({ rule, message }) => ({ rule, message: `${label}: ${message}` })
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  return `a ${Object.prototype.toString.call(value).slice(8, -1)}`
}
