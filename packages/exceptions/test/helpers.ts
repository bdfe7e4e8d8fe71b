// Test helpers shared by the test files (not part of the package).
import type { Logger } from '@paste/core'
import type { ErrorReport } from '../src/report.js'
import type { ErrorReporter } from '../src/reporters.js'

/** A reporter that records reports, and can wait for them. */
export function recorder(): ErrorReporter & {
  reports: ErrorReport[]
  next(count?: number): Promise<ErrorReport[]>
} {
  const reports: ErrorReport[] = []
  return {
    reports,
    report(report) {
      reports.push(report)
    },
    async next(count = 1) {
      const deadline = Date.now() + 5000
      while (reports.length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} reports, got ${reports.length}`)
        await new Promise((r) => setTimeout(r, 5))
      }
      return reports
    },
  }
}

/** A logger that records its calls. */
export function memoryLogger(): Logger & {
  lines: [string, string, Record<string, unknown> | undefined][]
} {
  const lines: [string, string, Record<string, unknown> | undefined][] = []
  const at = (level: string) => (message: string, details?: Record<string, unknown>) =>
    void lines.push([level, message, details])
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') }
}
