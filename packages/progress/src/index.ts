/*
 * Upload progress (Paste's paste.progress): a middleware counts the bytes of large request
 * bodies as the app reads them, and a reporter App answers, as JSON, how far each upload of
 * the asking user (or the upload with a given id) has got. Records are bounded in number and
 * dropped a while after their upload ends; Paste kept every monitored request forever.
 */
import type { App, Context, Middleware } from '@paste/core'

/** What the monitor knows of one upload. */
export interface UploadRecord {
  /** The id the client gave (`X-Progress-ID` header or `X-Progress-ID` query parameter), or a generated one. */
  readonly id: string
  /** `context.remoteUser` of the upload, when authenticated. */
  readonly user: string | undefined
  readonly method: string
  readonly path: string
  /** The declared Content-Length. */
  readonly size: number
  /** Bytes the app has read so far. */
  received: number
  /** ms since the epoch. */
  readonly startedAt: number
  finishedAt: number | undefined
  /** `uploading` until the app's answer, then `done`; `failed` when the body could not be read, `aborted` when the client left. */
  state: 'uploading' | 'done' | 'failed' | 'aborted'
}

/** Options for {@link uploadProgress}. */
export interface UploadProgressOptions {
  /** Bodies declaring more bytes than this are monitored (Paste's `threshold`). @default 1048576 */
  threshold?: number
  /** How long a finished upload can still be reported, in ms (Paste's `timeout`). @default 300000 */
  keepFinishedMs?: number
  /** Most uploads remembered; past it, new uploads are not monitored. @default 10000 */
  maxEntries?: number
}

/** Options for {@link UploadProgress.reporter}. */
export interface ReporterOptions {
  /**
   * Which uploads a request may see without naming an id (Paste's `match`). @default the
   * uploads of the same authenticated user (anonymous requests see none)
   */
  match?: (context: Context, upload: UploadRecord) => boolean
  /** The JSON shape of one upload (Paste's `report`). @default {@link defaultReport} */
  report?: (upload: UploadRecord) => unknown
}

/** What {@link uploadProgress} returns. */
export interface UploadProgress {
  /** Counts the bytes of monitored uploads; put it above the apps that read uploads. */
  readonly middleware: Middleware
  /**
   * A JSON App: `?id=...` (or `X-Progress-ID`) answers that upload (404 if unknown);
   * without, the list of the uploads `match` lets the request see.
   */
  reporter(options?: ReporterOptions): App
  /** The uploads remembered now (in progress, or finished within `keepFinishedMs`). */
  uploads(): UploadRecord[]
}

const ID = /^[A-Za-z0-9_-]{8,128}$/

/** The default report of one upload: progress, state and timing, nothing of the request body. */
export function defaultReport(upload: UploadRecord): Record<string, unknown> {
  return {
    id: upload.id,
    state: upload.state,
    path: upload.path,
    size: upload.size,
    received: upload.received,
    percent: upload.size > 0 ? Math.floor((100 * upload.received) / upload.size) : 100,
    startedAt: new Date(upload.startedAt).toISOString(),
    finishedAt: upload.finishedAt === undefined ? null : new Date(upload.finishedAt).toISOString(),
  }
}

function fail(message: string): never {
  throw new TypeError(`@paste/progress: ${message}`)
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback
  if (!Number.isSafeInteger(n) || n < 0) fail(`${name} must be an integer >= 0`)
  return n
}

/** The id a request names: its `X-Progress-ID` header or query parameter, when well formed. */
function requestedId(request: Request): string | undefined | null {
  const given =
    request.headers.get('x-progress-id') ?? new URL(request.url).searchParams.get('X-Progress-ID')
  if (given === null) return undefined
  return ID.test(given) ? given : null
}

function json(status: number, data: unknown): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  })
}

/**
 * Makes an upload monitor: its `middleware` counts, its `reporter()` answers.
 *
 * @example
 * const progress = uploadProgress({ threshold: 64 * 1024 })
 * const site = urlMap({ '/upload': pipe(uploadApp, progress.middleware), '/progress': progress.reporter() })
 */
export function uploadProgress(options: UploadProgressOptions = {}): UploadProgress {
  const threshold = nonNegative('threshold', options.threshold, 1024 * 1024)
  const keepFinishedMs = nonNegative('keepFinishedMs', options.keepFinishedMs, 300_000)
  const maxEntries = nonNegative('maxEntries', options.maxEntries, 10_000)
  // by id, in insertion order (oldest first)
  const records = new Map<string, UploadRecord>()

  function purge(now: number): void {
    for (const [id, record] of records)
      if (record.finishedAt !== undefined && now - record.finishedAt >= keepFinishedMs)
        records.delete(id)
  }

  /** Room for one more: drops the oldest finished record if full; false if all are in progress. */
  function room(): boolean {
    if (records.size < maxEntries) return true
    for (const [id, record] of records)
      if (record.finishedAt !== undefined) {
        records.delete(id)
        return true
      }
    return false
  }

  function finish(record: UploadRecord, state: UploadRecord['state']): void {
    if (record.finishedAt !== undefined) return
    record.state = state
    record.finishedAt = Date.now()
  }

  const middleware: Middleware = (app) =>
    async function uploadProgress(request, context) {
      const declared = request.headers.get('content-length')
      const size = declared === null ? Number.NaN : Number(declared)
      if (!(size > threshold) || request.body === null) return app(request, context)
      purge(Date.now())
      const named = requestedId(request) ?? undefined // a malformed id is ignored
      const id = named ?? crypto.randomUUID()
      // another upload in progress under that id: this one cannot take it over
      if (records.get(id)?.state === 'uploading') return app(request, context)
      if (!room()) {
        context.logger.warn(
          '@paste/progress: too many uploads in progress; this one is not monitored',
        )
        return app(request, context)
      }
      const record: UploadRecord = {
        id,
        user: context.remoteUser,
        method: request.method,
        path: `${context.scriptName}${context.pathInfo}`,
        size,
        received: 0,
        startedAt: Date.now(),
        finishedAt: undefined,
        state: 'uploading',
      }
      records.delete(id) // a finished record with the same id is replaced, and moves to the end
      records.set(id, record)
      const reader = request.body.getReader()
      const counted = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { done, value } = await reader.read()
            if (done) return controller.close()
            record.received += value.byteLength
            controller.enqueue(value)
          } catch (error) {
            finish(record, context.signal.aborted ? 'aborted' : 'failed')
            controller.error(error)
          }
        },
        cancel: (reason) => reader.cancel(reason),
      })
      const monitored = new Request(request.url, {
        method: request.method,
        headers: request.headers,
        body: counted,
        signal: request.signal,
        duplex: 'half',
      } as RequestInit)
      const onAbort = () => finish(record, 'aborted')
      context.signal.addEventListener('abort', onAbort, { once: true })
      try {
        const response = await app(monitored, context)
        finish(record, 'done')
        return response
      } catch (error) {
        finish(record, context.signal.aborted ? 'aborted' : 'failed')
        throw error
      } finally {
        context.signal.removeEventListener('abort', onAbort)
      }
    }

  return {
    middleware,
    uploads() {
      purge(Date.now())
      return [...records.values()]
    },
    reporter(reporterOptions: ReporterOptions = {}): App {
      const match =
        reporterOptions.match ??
        ((context: Context, upload: UploadRecord) =>
          context.remoteUser !== undefined && upload.user === context.remoteUser)
      const report = reporterOptions.report ?? defaultReport
      return function uploadProgressReporter(request, context) {
        if (request.method !== 'GET' && request.method !== 'HEAD')
          return new Response('Method Not Allowed\n', {
            status: 405,
            headers: { allow: 'GET, HEAD' },
          })
        purge(Date.now())
        const id = requestedId(request)
        if (id === null) return json(400, { error: 'malformed X-Progress-ID' })
        if (id !== undefined) {
          const upload = records.get(id)
          // an authenticated user's upload is shown to that user only, even by id
          if (
            upload === undefined ||
            (upload.user !== undefined && upload.user !== context.remoteUser)
          )
            return json(404, { error: 'no such upload' })
          return json(200, report(upload))
        }
        return json(
          200,
          [...records.values()].filter((u) => match(context, u)).map((u) => report(u)),
        )
      }
    },
  }
}
