import { mkdir, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { escapeHtml, type Logger, type Middleware } from '@paste/core'
import { insertionPoint, isRewritablePage, rewritePage } from '@paste/debug-page'
import { type CpuProfile, formatReport, summarize } from './report.js'

export {
  type CpuProfile,
  type FunctionStats,
  formatReport,
  type ProfileSummary,
  summarize,
} from './report.js'

/** What {@link debugProfile} and {@link profiled} share. */
export interface ProfileOptions {
  /** Most functions listed. @default 40 */
  limit?: number
  /** Order of the list: by time in the function itself, or including what it called. @default 'self' */
  sortBy?: 'self' | 'total'
  /** Microseconds between samples (smaller: finer, slower). @default 100 */
  sampleInterval?: number
  /**
   * A directory where each profile is also written as a `.cpuprofile` file (open it in
   * Chrome DevTools' Performance panel or VS Code), for every response, HTML or not.
   */
  saveTo?: string
}

/** Options for {@link debugProfile}. */
export interface DebugProfileOptions extends ProfileOptions {
  /** Add the report to every response with a body, whatever its Content-Type. @default false */
  forceContentType?: boolean
  /** Largest HTML body (bytes) the report is added to. @default 5242880 */
  maxBodyBytes?: number
}

const STYLE = [
  'clear: both',
  'margin: 1em 0 0',
  'padding: 0.5em',
  'border: 2px solid #000',
  'background: #ff9',
  'color: #000',
  'font: 12px/1.4 monospace',
  'white-space: pre',
  'overflow: auto',
].join('; ')

function fail(message: string): never {
  throw new TypeError(`@paste/debug-profile: ${message}`)
}

function checked(options: ProfileOptions) {
  const limit = options.limit ?? 40
  if (!Number.isSafeInteger(limit) || limit < 1) fail('limit must be an integer >= 1')
  const sortBy = options.sortBy ?? 'self'
  if (sortBy !== 'self' && sortBy !== 'total') fail("sortBy must be 'self' or 'total'")
  const sampleInterval = options.sampleInterval ?? 100
  if (!Number.isSafeInteger(sampleInterval) || sampleInterval < 1)
    fail('sampleInterval must be an integer >= 1 (microseconds)')
  if (options.saveTo !== undefined && typeof options.saveTo !== 'string')
    fail('saveTo must be a directory path')
  return { limit, sortBy, sampleInterval, saveTo: options.saveTo } as const
}

// V8's profiler is one per process: profiled work runs one at a time (Paste's lock), so each
// profile shows one request, not whatever else was running.
let session: Session | undefined
let queue: Promise<unknown> = Promise.resolve()

async function inspector(): Promise<Session> {
  if (session === undefined) {
    session = new Session()
    session.connect()
    await session.post('Profiler.enable')
  }
  return session
}

/** A running profile: `stop()` ends it (once) and returns the profile. */
interface Running {
  stop(): Promise<CpuProfile>
}

/** Waits for the profiler, starts it, and runs `fn`; the profiler is freed by `stop()`. */
async function exclusively<T>(
  sampleInterval: number,
  fn: (running: Running) => Promise<T>,
): Promise<T> {
  let release!: () => void
  const turn = queue
  queue = new Promise<void>((resolve) => {
    release = resolve
  })
  await turn
  let stopped: Promise<CpuProfile> | undefined
  const running: Running = {
    stop: () =>
      (stopped ??= (async () => {
        try {
          const result = await (await inspector()).post('Profiler.stop')
          return result.profile as unknown as CpuProfile
        } finally {
          release()
        }
      })()),
  }
  try {
    const s = await inspector()
    await s.post('Profiler.setSamplingInterval', { interval: sampleInterval })
    await s.post('Profiler.start')
  } catch (error) {
    release()
    throw error
  }
  try {
    return await fn(running)
  } finally {
    // whatever happened (an error, a response that was not HTML), the profiler is freed
    await running.stop().catch(() => undefined)
  }
}

/** A file name from a request, safe in any directory: only [A-Za-z0-9_-], bounded. */
function fileName(label: string): string {
  const safe = label.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80)
  return `${new Date().toISOString().replace(/[:.]/g, '-')}-${safe}.cpuprofile`
}

async function save(dir: string, label: string, profile: CpuProfile, logger: Logger) {
  try {
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, fileName(label)), JSON.stringify(profile))
  } catch (error) {
    logger.error('@paste/debug-profile: could not save a profile', { error })
  }
}

/**
 * Profiles each request with V8's sampling profiler and adds the report (functions by
 * self time, with total time and callers) to the end of HTML pages; with `saveTo`, also
 * writes every profile as a `.cpuprofile` file. Profiled requests run one at a time. For
 * development only: it slows every request and serialises them.
 *
 * @example
 * const site = pipe(app, debugProfile({ limit: 25, saveTo: 'profiles' }))
 */
export function debugProfile(options: DebugProfileOptions = {}): Middleware {
  const { limit, sortBy, sampleInterval, saveTo } = checked(options)
  const pageOptions = {
    forceContentType: options.forceContentType ?? false,
    maxBodyBytes: options.maxBodyBytes ?? 5 * 1024 * 1024,
  }
  if (!Number.isSafeInteger(pageOptions.maxBodyBytes) || pageOptions.maxBodyBytes < 0)
    fail('maxBodyBytes must be an integer >= 0')

  return (app) =>
    async function debugProfile(request, context) {
      const url = new URL(request.url)
      const label = `${request.method} ${url.pathname}`
      return exclusively(sampleInterval, async (running) => {
        // stops the profile and saves it, once, whichever way the request ends
        let finished: Promise<CpuProfile> | undefined
        const finish = () =>
          (finished ??= (async () => {
            const profile = await running.stop()
            if (saveTo !== undefined) await save(saveTo, label, profile, context.logger)
            return profile
          })())
        const response = await app(request, context)
        if (!isRewritablePage(request, response, pageOptions)) {
          await finish()
          return response
        }
        // the body is read while the profiler runs: a page rendered as it streams is profiled too
        const page = await rewritePage(
          request,
          response,
          async (html) => {
            const report = formatReport(
              summarize(await finish(), { sortBy }),
              limit,
              `Profile of ${label}`,
            )
            const block = `<pre id="paste-debug-profile" style="${STYLE}">${escapeHtml(report)}</pre>`
            const { offset } = insertionPoint(html, { at: 'body-end' })
            return html.slice(0, offset) + block + html.slice(offset)
          },
          pageOptions,
        )
        // a page left unchanged (too large, not valid in its charset) is still saved
        await finish()
        return page
      })
    }
}

/** Options for {@link profiled}. */
export interface ProfiledOptions extends ProfileOptions {
  /** Where each call's report goes. @default written to stderr */
  report?: (text: string) => void
  /** A name for the reports and saved files. @default the function's name */
  name?: string
}

/**
 * Wraps a function so that each call is profiled (one at a time) and reported (Paste's
 * `profile_decorator`). The wrapper always returns a promise.
 *
 * @example
 * const build = profiled(buildSite, { limit: 15 })
 * await build(config) // the report goes to stderr
 */
export function profiled<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: ProfiledOptions = {},
): (...args: A) => Promise<R> {
  const { limit, sortBy, sampleInterval, saveTo } = checked(options)
  const name = options.name ?? (fn.name || 'function')
  const report = options.report ?? ((text: string) => void process.stderr.write(`${text}\n`))
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (message, fields) => report(`${message} ${String(fields?.error ?? '')}`),
  }
  return (...args) =>
    exclusively(sampleInterval, async (running): Promise<R> => {
      try {
        return (await fn(...args)) as R
      } finally {
        const profile = await running.stop()
        if (saveTo !== undefined) await save(saveTo, name, profile, logger)
        report(formatReport(summarize(profile, { sortBy }), limit, `Profile of ${name}`))
      }
    })
}
