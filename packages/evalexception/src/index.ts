import { randomBytes } from 'node:crypto'
import vm from 'node:vm'
import { type App, type Context, isHttpError, type Middleware, timingSafeEqual } from '@paste/core'
import { createRedactor, DEFAULT_SECRET_PATTERN } from '@paste/exceptions'
import { readForm } from '@paste/request'
import { type CaptureStatus, runCaptured, startCapture } from './capture.js'
import { evaluate } from './evaluate.js'
import { collectChain } from './incident.js'
import { type EvalExceptionOptions, type Resolved, resolveOptions } from './options.js'
import { renderPage } from './page.js'
import { IncidentStore, type KeptIncident } from './store.js'

export type { CapturedFrame, CaptureStatus } from './capture.js'
export { capturedFrames } from './capture.js'
export type { EvalExceptionOptions } from './options.js'

const secret = (bytes: number) => randomBytes(bytes).toString('base64url')
/** Web-standard globals a vm context lacks (it has only the language's own). */
const WEB_GLOBALS = Object.fromEntries(
  [
    'URL',
    'URLSearchParams',
    'Headers',
    'Request',
    'Response',
    'TextEncoder',
    'TextDecoder',
    'structuredClone',
    'atob',
    'btoa',
  ].map((name) => [name, (globalThis as Record<string, unknown>)[name]]),
)
// "<error index>:<frame index>" as the page's data-frame attributes write it
const FRAME = /^(\d{1,3}):(\d{1,4})$/

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    },
  })
}

function page(
  request: Request,
  incident: KeptIncident,
  status: number,
  o: Resolved,
  context: Context,
  note: string | undefined,
): Response {
  const nonce = secret(16)
  const consoles = trusted(context, o)
  const html = renderPage(incident, {
    evalUrl: `${context.scriptName}${o.path}/eval`,
    consoles,
    nonce,
    ...(note === undefined ? {} : { captureNote: note }),
  })
  return new Response(request.method === 'HEAD' ? null : html, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    },
  })
}

/** Whether this client may see locals and evaluate: its address, and the Host it asked for. */
function trusted(context: Context, o: Resolved): boolean {
  return o.allowed(context.remoteAddress) && o.hostAllowed(context.url.hostname)
}

/** The checks of an evaluation request, in order; a Response when one fails. */
async function evaluation(
  request: Request,
  context: Context,
  o: Resolved,
  store: IncidentStore,
): Promise<Response> {
  const log = (why: string, extra: Record<string, unknown> = {}) =>
    context.logger.warn(`@paste/evalexception: evaluation refused: ${why}`, {
      remoteAddress: context.remoteAddress,
      ...extra,
    })
  // RFC 9110 15.5.6: the endpoint only takes POST
  if (request.method !== 'POST') return text(405, 'Method Not Allowed\n', { allow: 'POST' })
  if (!o.allowed(context.remoteAddress)) {
    log('client address not allowed')
    return text(403, 'Forbidden: evaluation is only allowed from loopback clients\n')
  }
  // DNS rebinding: a hostile name resolved to loopback makes its page same-origin here
  if (!o.hostAllowed(context.url.hostname)) {
    log('host not allowed', { host: context.url.hostname })
    return text(403, 'Forbidden: host not allowed (see allowedHosts)\n')
  }
  // defence in depth beside the token: browsers mark cross-site requests
  if (request.headers.get('sec-fetch-site') === 'cross-site') {
    log('cross-site request')
    return text(403, 'Forbidden: cross-site request\n')
  }
  let form: Awaited<ReturnType<typeof readForm>>
  try {
    form = await readForm(request, { maxBytes: o.maxBodyBytes, maxFields: 10 })
  } catch (error) {
    log('unreadable body', { error: String((error as Error)?.message) })
    if (isHttpError(error)) return error.toResponse(request, context)
    return text(400, 'Bad Request: unreadable form\n')
  }
  const field = (name: string) => {
    const v = form.get(name)
    return typeof v === 'string' ? v : undefined
  }
  const [id, token, frame, expr] = [field('id'), field('token'), field('frame'), field('expr')]
  if (id === undefined || token === undefined || frame === undefined || expr === undefined)
    return text(400, 'Bad Request: id, token, frame and expr are required\n')
  const incident = store.get(id)
  if (incident === undefined) {
    log('unknown or expired id')
    return text(404, 'Not Found: no such error (unknown, or expired)\n')
  }
  // constant time: the token is the only thing a cross-site page cannot know
  if (!timingSafeEqual(token, incident.token)) {
    log('wrong token', { id })
    return text(403, 'Forbidden: wrong token\n')
  }
  const m = FRAME.exec(frame)
  const kept = m ? incident.errors[Number(m[1])] : undefined
  if (!m || kept === undefined || Number(m[2]) >= kept.entry.frames.length)
    return text(404, 'Not Found: no such frame\n')
  if (expr.trim() === '') return text(400, 'Bad Request: empty expression\n')
  let scope = incident.scopes.get(frame)
  if (scope === undefined) {
    // helpers first: a local of the same name shadows them, as it would in the frame
    const globals: Record<string, unknown> = {
      ...WEB_GLOBALS,
      error: kept.value,
      request: incident.request,
      context: incident.context,
    }
    for (const [name, value] of kept.locals[Number(m[2])]?.locals ?? []) globals[name] = value
    scope = vm.createContext(globals, { name: `evalexception ${id} ${frame}` })
    incident.scopes.set(frame, scope)
  }
  context.logger.warn('@paste/evalexception: evaluating', {
    id,
    frame,
    remoteAddress: context.remoteAddress,
    expression: expr.slice(0, 200),
  })
  const result = await evaluate(expr, scope, { timeout: o.timeout, maxChars: o.maxResultChars })
  return text(200, `${result.text}\n`, { 'x-evalexception-outcome': result.ok ? 'value' : 'error' })
}

/**
 * Shows an interactive traceback when the app below throws or rejects: a 500 page with the
 * error chain, each frame's source and the locals captured at the throw, and a console per
 * frame that evaluates expressions on the server with those locals in scope. Development
 * only: it executes code sent by the (loopback) client. Ports `paste.evalexception`.
 *
 * @example
 * const dev = pipe(app, evalException({ enabled: process.env.NODE_ENV === 'development' }))
 */
export function evalException(options: EvalExceptionOptions = {}): Middleware {
  const o = resolveOptions(options, globalThis.process?.env?.NODE_ENV)
  // off: the app itself, untouched (no worker started, nothing per request)
  if (!o.enabled) return (app) => app
  const store = new IncidentStore(o.maxIncidents, o.ttl)
  const redactor = createRedactor(DEFAULT_SECRET_PATTERN)
  let capture: CaptureStatus | undefined
  const ready = o.captureLocals
    ? startCapture().then((s) => {
        capture = s
      })
    : Promise.resolve()
  const evalPath = `${o.path}/eval`
  const viewPrefix = `${o.path}/view/`
  return (app: App) =>
    async function evalException(request, context) {
      if (context.pathInfo === evalPath) return evaluation(request, context, o, store)
      if (context.pathInfo.startsWith(viewPrefix)) {
        const incident = trusted(context, o)
          ? store.get(context.pathInfo.slice(viewPrefix.length))
          : undefined
        return incident
          ? page(
              request,
              incident,
              200,
              o,
              context,
              capture?.ok === false ? capture.reason : undefined,
            )
          : text(404, 'Not Found\n')
      }
      // the first request waits for the capture worker to be listening
      await ready
      try {
        return await (o.captureLocals
          ? runCaptured(() => app(request, context))
          : app(request, context))
      } catch (error) {
        // HTTP errors are answers, not failures: for the server or middleware above
        if (isHttpError(error)) throw error
        const { errors, summary } = await collectChain(error, request, context, redactor, o.limits)
        const incident: KeptIncident = {
          id: secret(18),
          token: secret(24),
          created: Date.now(),
          errors,
          request,
          context,
          summary,
          scopes: new Map(),
        }
        store.add(incident)
        context.logger.error(
          `@paste/evalexception: ${errors[0]?.entry.name}: ${errors[0]?.entry.message}`,
          { incident: incident.id },
        )
        const note = !o.captureLocals
          ? 'captureLocals is false'
          : capture?.ok === false
            ? capture.reason
            : undefined
        return page(request, incident, 500, o, context, note)
      }
    }
}
