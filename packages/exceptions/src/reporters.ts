import { type Context, consoleLogger, type Logger } from '@paste/core'
import { formatText } from './format.js'
import type { ErrorReport } from './report.js'

/**
 * Receives the full report of every unhandled error. A reporter may be async; the error
 * middleware never waits for it before answering, bounds it with a timeout, and logs (never
 * rethrows) its failures.
 *
 * @example
 * const sentry: ErrorReporter = { report: (r) => client.capture(r.errors[0], { id: r.incident }) }
 */
export interface ErrorReporter {
  /** Called once per unhandled error; `context` is the request's (for its logger). */
  report(report: ErrorReport, context?: Context): void | Promise<void>
}

/** Options for {@link loggerReporter}. */
export interface LoggerReporterOptions {
  /** Where to write. @default the request context's logger (consoleLogger without one) */
  logger?: Logger
}

/**
 * Writes each report as text (see `formatText`) to a logger at `error` level: the default
 * reporter.
 *
 * @example
 * errorMiddleware({ reporters: [loggerReporter({ logger: pinoAdapter })] })
 */
export function loggerReporter(options: LoggerReporterOptions = {}): ErrorReporter {
  const fixed = options.logger
  return {
    report(report, context) {
      const logger = fixed ?? context?.logger ?? consoleLogger
      const first = report.errors[0]
      logger.error(
        `@paste/exceptions: unhandled ${first?.name ?? 'error'} (incident ${report.incident})`,
        {
          incident: report.incident,
          signature: report.signature,
          phase: report.phase,
          report: formatText(report),
        },
      )
    },
  }
}

/**
 * Runs every reporter on a report, each bounded by `timeoutMs`: a reporter that throws,
 * rejects or does not finish in time is logged with `logger.error` and otherwise ignored.
 * The returned promise settles when all have finished or timed out; it never rejects.
 *
 * @example
 * await runReporters([loggerReporter(), mail], report, context, 10_000)
 */
export async function runReporters(
  reporters: readonly ErrorReporter[],
  report: ErrorReport,
  context: Context,
  timeoutMs: number,
): Promise<void> {
  await Promise.all(
    reporters.map(async (reporter, index) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs)
      })
      try {
        const outcome = await Promise.race([
          Promise.resolve().then(() => reporter.report(report, context)),
          timeout,
        ])
        if (outcome === 'timeout')
          context.logger.error('@paste/exceptions: reporter timed out', {
            reporter: index,
            incident: report.incident,
            timeoutMs,
          })
      } catch (error) {
        context.logger.error('@paste/exceptions: reporter failed', {
          reporter: index,
          incident: report.incident,
          error,
        })
      } finally {
        clearTimeout(timer)
      }
    }),
  )
}
