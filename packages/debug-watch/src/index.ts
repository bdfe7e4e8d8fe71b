/*
 * The requests a process is working on, and how its event loop is doing: the Node
 * counterpart of Paste's paste.debug.watchthreads, which listed the server's worker threads
 * and the request each was on. Node has one thread; what gets stuck is a request waiting on
 * something, or the event loop itself (a long synchronous task), so both are shown. A stuck
 * request can be aborted: its client gets a 503 at once and the app's context signal fires,
 * so work that honours it (fetch, timers with a signal) stops.
 */
import { randomBytes } from 'node:crypto'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { type App, type Context, escapeHtml, type Middleware, timingSafeEqual } from '@paste/core'

/** One request in flight. */
export interface InFlight {
  readonly id: number
  readonly method: string
  /** scriptName + pathInfo + query, as this process saw them. */
  readonly url: string
  readonly remoteAddress: string
  readonly user: string | undefined
  /** ms since the epoch. */
  readonly startedAt: number
  /** Set once an operator aborted it. */
  aborted: boolean
}

/** Options for {@link watchRequests}. */
export interface WatchRequestsOptions {
  /** Offer an abort button (Paste's `allow_kill`). @default false */
  allowAbort?: boolean
}

/** What {@link watchRequests} returns. */
export interface WatchRequests {
  /** Tracks the requests it wraps; put it first in `pipe` (outermost) to see them all. */
  readonly middleware: Middleware
  /** The page (HTML, or JSON for `Accept: application/json`) and, with `allowAbort`, `POST /abort`. */
  readonly app: App
  /** The requests in flight now, oldest first. */
  inFlight(): InFlight[]
  /** Stops sampling the event loop. */
  close(): void
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}td.n{text-align:right}
.slow{background:#fee}code{font-size:12px}`

function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`
}

function wantsJson(request: Request): boolean {
  const accept = request.headers.get('accept') ?? ''
  return /\bapplication\/json\b/i.test(accept) && !/\btext\/html\b/i.test(accept)
}

function json(status: number, data: unknown): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  })
}

/**
 * Makes a watcher: its `middleware` tracks requests, its `app` shows them.
 *
 * @example
 * const watch = watchRequests({ allowAbort: true })
 * const site = pipe(urlMap({ '/_watch': pipe(watch.app, authBasic(admins)), '/': app }), watch.middleware)
 */
export function watchRequests(options: WatchRequestsOptions = {}): WatchRequests {
  const allowAbort = options.allowAbort ?? false
  const running = new Map<number, { record: InFlight; abort: () => void }>()
  let nextId = 1
  // a per-process token in the page's forms: another site cannot make a browser abort requests
  const token = randomBytes(18).toString('base64url')
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()

  const middleware: Middleware = (app) =>
    function watched(request, context) {
      const id = nextId++
      const controller = new AbortController()
      const forward = () => controller.abort(context.signal.reason)
      context.signal.addEventListener('abort', forward, { once: true })
      let operatorAbort!: (response: Response) => void
      const aborted = new Promise<Response>((resolve) => {
        operatorAbort = resolve
      })
      const record: InFlight = {
        id,
        method: request.method,
        url: `${context.scriptName}${context.pathInfo}${context.search}`,
        remoteAddress: context.remoteAddress,
        user: context.remoteUser,
        startedAt: Date.now(),
        aborted: false,
      }
      running.set(id, {
        record,
        abort: () => {
          record.aborted = true
          controller.abort(new Error('aborted by an operator'))
          operatorAbort(
            new Response('Service Unavailable: this request was stopped by an operator.\n', {
              status: 503,
              headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' },
            }),
          )
        },
      })
      const done = () => {
        running.delete(id)
        context.signal.removeEventListener('abort', forward)
      }
      let result: Response | Promise<Response>
      try {
        result = app(request, context.derive({ signal: controller.signal }))
      } catch (error) {
        done()
        throw error
      }
      const answered = Promise.resolve(result)
      // an answer that comes after an operator's abort is dropped: free its body
      answered.then(
        (response) => {
          if (record.aborted) response.body?.cancel().catch(() => {})
        },
        () => {},
      )
      return Promise.race([answered, aborted]).finally(done)
    }

  function snapshot(now: number) {
    const requests = [...running.values()].map(({ record }) => ({
      ...record,
      ageMs: now - record.startedAt,
    }))
    const ms = (ns: number) => Math.round(ns / 1e4) / 100
    const loop = {
      delayP50Ms: ms(delay.percentile(50)),
      delayP99Ms: ms(delay.percentile(99)),
      delayMaxMs: ms(delay.max),
    }
    const memory = process.memoryUsage()
    return {
      pid: process.pid,
      uptimeS: Math.round(process.uptime()),
      eventLoop: loop,
      memory: { rss: memory.rss, heapUsed: memory.heapUsed },
      requests,
    }
  }

  function page(context: Context, now: number, notice: string): Response {
    const data = snapshot(now)
    const base = escapeHtml(context.scriptName)
    const rows = data.requests
      .map(
        (
          r,
        ) => `<tr${r.ageMs > 5000 ? ' class="slow"' : ''}><td class="n">${r.id}</td><td>${escapeHtml(r.method)}</td>
<td><code>${escapeHtml(r.url)}</code></td><td>${escapeHtml(r.remoteAddress)}</td><td>${escapeHtml(r.user ?? '')}</td>
<td class="n">${duration(r.ageMs)}</td><td>${
          allowAbort && !r.aborted
            ? `<form method="post" action="${base}/abort"><input type="hidden" name="id" value="${r.id}"><input type="hidden" name="token" value="${token}"><button>abort</button></form>`
            : r.aborted
              ? 'aborted'
              : ''
        }</td></tr>`,
      )
      .join('\n')
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Requests in flight</title>
<style>${STYLE}</style></head><body>
<h1>Requests in flight: ${data.requests.length}</h1>${notice ? `<p><strong>${escapeHtml(notice)}</strong></p>` : ''}
<p>Process ${data.pid}, up ${duration(data.uptimeS * 1000)}. Event loop delay: p50 ${data.eventLoop.delayP50Ms} ms,
p99 ${data.eventLoop.delayP99Ms} ms, max ${data.eventLoop.delayMaxMs} ms. Heap ${Math.round(data.memory.heapUsed / 1048576)} MiB,
RSS ${Math.round(data.memory.rss / 1048576)} MiB.</p>
<table><thead><tr><th>#</th><th>method</th><th>URL</th><th>client</th><th>user</th><th>running for</th><th></th></tr></thead>
<tbody>${rows || '<tr><td colspan="7">none</td></tr>'}</tbody></table></body></html>`
    return new Response(html, {
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    })
  }

  async function abortRequest(request: Request, context: Context): Promise<Response> {
    if (!allowAbort) return new Response('Forbidden: aborting is not enabled.\n', { status: 403 })
    if (request.method !== 'POST')
      return new Response('Method Not Allowed\n', { status: 405, headers: { allow: 'POST' } })
    // a cross-site request cannot come with the right token, nor (in browsers) same-origin metadata
    const site = request.headers.get('sec-fetch-site')
    if (site !== null && site !== 'same-origin' && site !== 'none')
      return new Response('Forbidden: cross-site request.\n', { status: 403 })
    const form = await request.formData().catch(() => undefined)
    const given = form?.get('token')
    if (typeof given !== 'string' || !timingSafeEqual(given, token))
      return new Response('Forbidden: missing or wrong token.\n', { status: 403 })
    const id = Number(form!.get('id'))
    const entry = Number.isSafeInteger(id) ? running.get(id) : undefined
    if (entry === undefined)
      return page(context, Date.now(), `Request ${form!.get('id')} is not running.`)
    entry.abort()
    context.logger.warn('@paste/debug-watch: a request was aborted by an operator', {
      id,
      url: entry.record.url,
      by: context.remoteUser,
    })
    return page(context, Date.now(), `Request ${id} aborted.`)
  }

  const watchApp: App = (request, context) => {
    if (context.pathInfo === '/abort') return abortRequest(request, context)
    if (context.pathInfo !== '' && context.pathInfo !== '/')
      return new Response('Not Found\n', { status: 404 })
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response('Method Not Allowed\n', { status: 405, headers: { allow: 'GET, HEAD' } })
    const now = Date.now()
    return wantsJson(request) ? json(200, snapshot(now)) : page(context, now, '')
  }

  return {
    middleware,
    app: watchApp,
    inFlight: () => [...running.values()].map((entry) => entry.record),
    close: () => delay.disable(),
  }
}
