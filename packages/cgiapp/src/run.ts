import { finished } from 'node:stream/promises'
import type { Context } from '@paste/core'
import {
  BadGateway,
  BadRequest,
  GatewayTimeout,
  type HttpException,
  NotFound,
  PayloadTooLarge,
  RequestHeaderFieldsTooLarge,
  ServiceUnavailable,
} from '@paste/httpexceptions'
import { cgiEnvironment } from './env.js'
import { type CgiHead, CgiOutputError, HeadParser } from './head.js'
import type { Settings } from './options.js'
import { CgiProcess, type KillReason } from './process.js'
import { localRedirect } from './redirect.js'
import { bodyStream, drain, planResponse } from './response.js'
import { logStderr } from './stderr.js'
import { feedStdin, readBounded } from './stdin.js'

type HeadOutcome =
  | { kind: 'head'; head: CgiHead; rest: Uint8Array }
  | { kind: 'bad-output'; reason: string }
  | { kind: 'killed'; reason: KillReason }
  | { kind: 'spawn-error'; error: Error }

const ENV_ERRORS = { 400: BadRequest, 404: NotFound, 431: RequestHeaderFieldsTooLarge }
const isNullBody = (status: number) => status === 204 || status === 205 || status === 304

async function readHead(
  chunks: AsyncIterator<Uint8Array>,
  parser: HeadParser,
): Promise<HeadOutcome> {
  try {
    for (;;) {
      const next = await chunks.next()
      if (next.done) return parser.end()
      const done = parser.push(next.value)
      if (done) return { kind: 'head', ...done }
    }
  } catch (error) {
    return {
      kind: 'bad-output',
      reason: error instanceof CgiOutputError ? error.message : 'stdout failed',
    }
  }
}

/** Starts the process with its timeout, disconnect kill, stdin feed and stderr log. */
function start(
  context: Context,
  s: Settings,
  env: Record<string, string>,
  body: ReadableStream<Uint8Array> | Uint8Array | null,
  length: number,
): CgiProcess {
  const spec = { command: s.command, args: s.args, cwd: s.cwd, env, killTimeout: s.killTimeout }
  const proc = new CgiProcess(spec)
  const timer = setTimeout(() => proc.kill('timeout'), s.timeout)
  const onAbort = () => proc.kill('client')
  context.signal.addEventListener('abort', onAbort, { once: true })
  if (context.signal.aborted) onAbort()
  logStderr(proc.child.stderr, context.logger, s.script)
  void feedStdin(proc.child.stdin, body, length)
  // Done when the process was reaped and stdout closed (children may hold it open).
  const closed = finished(proc.child.stdout).catch(() => {})
  void Promise.all([proc.exited, closed]).then(([exit]) => {
    clearTimeout(timer)
    context.signal.removeEventListener('abort', onAbort)
    if (proc.killReason === undefined && exit.code !== 0 && exit.error === undefined)
      context.logger.warn('@paste/cgiapp: script exited with an error', {
        script: s.script,
        code: exit.code,
        signal: exit.signal,
      })
  })
  return proc
}

/** One request to the script: what is needed to answer it. */
interface Run {
  request: Request
  context: Context
  s: Settings
  proc: CgiProcess
  chunks: AsyncIterator<Uint8Array>
}

function fail(run: Pick<Run, 'request' | 'context'>, error: HttpException): Response {
  return error.toResponse(run.request, run.context)
}

// 502: the reason goes to the log only, never to the client.
function badGateway(run: Pick<Run, 'request' | 'context' | 's'>, reason: string): Response {
  run.context.logger.error('@paste/cgiapp: bad gateway', { script: run.s.script, reason })
  return fail(run, new BadGateway())
}

/** One CGI request, as a flat list of early returns. */
export async function runCgi(request: Request, context: Context, s: Settings): Promise<Response> {
  const r = { request, context, s }
  const declared = request.headers.get('content-length')
  // A Content-Length that is not a number is a malformed request (RFC 9110 8.6).
  if (declared !== null && !/^\d{1,15}$/.test(declared)) return fail(r, new BadRequest())
  // A declared body over the limit is refused before the script starts.
  if (declared !== null && Number(declared) > s.maxBodyBytes) return fail(r, new PayloadTooLarge())
  const built = cgiEnvironment(request, context, s)
  // A path or headers no environment can carry (NUL, not UTF-8, encoded slash, too large).
  if (!built.ok) return fail(r, new ENV_ERRORS[built.status](built.reason))
  let body: ReadableStream<Uint8Array> | Uint8Array | null = request.body
  let length = declared === null ? undefined : Number(declared)
  if (body !== null && length === undefined) {
    // RFC 3875 4.1.2: CONTENT_LENGTH gives the body's size, so a body without one is read first.
    const whole = await readBounded(body, s.maxBodyBytes).catch(() => undefined)
    // The upload failed (the client went away mid-body).
    if (whole === undefined) return fail(r, new BadRequest())
    // Bodies sent without a length are bounded too.
    if (whole === null) return fail(r, new PayloadTooLarge())
    body = whole
    length = whole.byteLength
  }
  if (length !== undefined && (body !== null || length > 0))
    built.env.CONTENT_LENGTH = String(length)
  let proc: CgiProcess
  try {
    proc = start(context, s, built.env, body, length ?? 0)
  } catch (error) {
    // spawn() refused its arguments synchronously.
    return badGateway(r, `spawn failed: ${error instanceof Error ? error.message : String(error)}`)
  }
  const chunks = proc.child.stdout[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>
  const never = new Promise<never>(() => {})
  const outcome = await Promise.race<HeadOutcome>([
    readHead(chunks, new HeadParser(s.maxHeaderBytes)),
    proc.killed.then((reason) => ({ kind: 'killed', reason })),
    proc.exited.then((exit) => (exit.error ? { kind: 'spawn-error', error: exit.error } : never)),
  ])
  return answer(outcome, { request, context, s, proc, chunks })
}

async function answer(outcome: HeadOutcome, run: Run): Promise<Response> {
  const { proc, chunks, context, s } = run
  // The script could not be started (missing interpreter, permissions).
  if (outcome.kind === 'spawn-error')
    return badGateway(run, `spawn failed: ${outcome.error.message}`)
  // Killed before its headers because it was too slow: 504.
  if (outcome.kind === 'killed' && outcome.reason === 'timeout') {
    context.logger.error('@paste/cgiapp: script timed out', {
      script: s.script,
      timeout: s.timeout,
    })
    return fail(run, new GatewayTimeout())
  }
  // Killed because the client left: nobody will read this answer.
  if (outcome.kind === 'killed') return fail(run, new ServiceUnavailable())
  // Not a CGI response: 502.
  if (outcome.kind === 'bad-output') {
    proc.kill('bad-output')
    return badGateway(run, outcome.reason)
  }
  let plan: ReturnType<typeof planResponse>
  try {
    plan = planResponse(outcome.head)
  } catch (error) {
    // A Location or Content-Length that cannot be sent: 502.
    proc.kill('bad-output')
    return badGateway(run, error instanceof CgiOutputError ? error.message : 'unusable headers')
  }
  // RFC 3875 6.2.2: a local redirect is followed by the server (the body is discarded).
  if (plan.kind === 'local') {
    void drain(chunks)
    return localRedirect(plan.target, context, s.internalRedirects)
  }
  const init = { status: plan.status, statusText: plan.statusText, headers: plan.headers }
  // HEAD and bodiless statuses: output after the headers is discarded (RFC 3875 4.3.3).
  if (run.request.method === 'HEAD' || isNullBody(plan.status)) {
    void drain(chunks)
    return new Response(null, init)
  }
  return new Response(bodyStream(outcome.rest, chunks, proc, plan.length), init)
}
