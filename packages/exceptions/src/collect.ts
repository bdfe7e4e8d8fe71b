import type { Context } from '@paste/core'
import { incidentId, signatureOf } from './ids.js'
import type { Redactor } from './redact.js'
import { REDACTED } from './redact.js'
import type { ErrorEntry, ErrorReport, RequestSummary } from './report.js'
import { readSourceContext } from './source.js'
import { parseStack } from './stack.js'

/** How much of an error chain is collected. */
export interface CollectLimits {
  /** Lines of source either side of a frame. */
  sourceContext: number
  /** Frames kept per error. */
  maxFrames: number
  /** Errors kept from a chain of causes and aggregate members. */
  maxErrors: number
}

const MAX_MESSAGE = 4096

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text
}

/** Text for any thrown value; never throws (a hostile toString or getter included). */
function describe(value: unknown): [name: string, message: string, stack: string] {
  try {
    if (
      value instanceof Error ||
      (typeof value === 'object' && value !== null && 'stack' in value)
    ) {
      const e = value as Error
      return [String(e.name ?? 'Error'), String(e.message ?? ''), String(e.stack ?? '')]
    }
    const text =
      typeof value === 'object' && value !== null
        ? (JSON.stringify(value) ?? Object.prototype.toString.call(value))
        : String(value)
    return [`Non-error value (${value === null ? 'null' : typeof value})`, text, '']
  } catch {
    return ['Unprintable value', '', '']
  }
}

function properties(value: unknown, redactor: Redactor): Record<string, string> {
  const out: Record<string, string> = {}
  if (typeof value !== 'object' || value === null) return out
  try {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'stack' || key === 'message' || key === 'cause' || key === 'errors') continue
      if (v === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof v))
        out[key] = redactor.isSecret(key) ? REDACTED : cut(String(v), 512)
    }
  } catch {
    // a throwing getter: keep what was read
  }
  return out
}

/** Walks the thrown value, its `cause`s and AggregateError members, depth first, once each. */
function chain(
  thrown: unknown,
  limits: CollectLimits,
): [unknown, ErrorEntry['relation'], number][] {
  const out: [unknown, ErrorEntry['relation'], number][] = []
  const seen = new Set<unknown>()
  const visit = (value: unknown, relation: ErrorEntry['relation'], depth: number) => {
    if (out.length >= limits.maxErrors || seen.has(value)) return
    if (typeof value === 'object' && value !== null) seen.add(value)
    out.push([value, relation, depth])
    try {
      const members = (value as { errors?: unknown }).errors
      if (value instanceof AggregateError && Array.isArray(members))
        for (const member of members) visit(member, 'aggregate', depth + 1)
      if (value instanceof Error && value.cause !== undefined)
        visit(value.cause, 'cause', depth + 1)
    } catch {
      // hostile getters end the walk here
    }
  }
  visit(thrown, 'thrown', 0)
  return out
}

function summarize(request: Request, context: Context, redactor: Redactor): RequestSummary {
  const summary: RequestSummary = {
    method: request.method,
    url: redactor.url(context.url.href),
    scriptName: context.scriptName,
    pathInfo: context.pathInfo,
    remoteAddress: context.remoteAddress,
    headers: redactor.headers(request.headers),
  }
  if (context.remoteUser !== undefined) summary.remoteUser = context.remoteUser
  return summary
}

/**
 * Collects everything about a thrown value into an {@link ErrorReport}: the chain of causes,
 * parsed frames with source context, and the request with secrets redacted. Never throws.
 *
 * @example
 * const redactor = createRedactor(DEFAULT_SECRET_PATTERN)
 * const limits = { sourceContext: 5, maxFrames: 50, maxErrors: 10 }
 * const report = await collectError(error, request, context, 'response', redactor, limits)
 */
export async function collectError(
  thrown: unknown,
  request: Request,
  context: Context,
  phase: ErrorReport['phase'],
  redactor: Redactor,
  limits: CollectLimits,
  incident: string = incidentId(),
): Promise<ErrorReport> {
  const errors: ErrorEntry[] = []
  const files = new Map<string, Promise<string | undefined>>()
  for (const [value, relation, depth] of chain(thrown, limits)) {
    const [name, message, stack] = describe(value)
    const frames = parseStack(stack, limits.maxFrames)
    const sources = await readSourceContext(frames, limits.sourceContext, files)
    errors.push({
      relation,
      depth,
      name: cut(name, 200),
      message: cut(message, MAX_MESSAGE),
      properties: properties(value, redactor),
      frames: frames.map((f, i) => (sources[i] ? { ...f, source: sources[i] } : f)),
      stack: cut(stack, 64 * 1024),
    })
  }
  return {
    incident,
    signature: signatureOf(errors),
    time: new Date(),
    phase,
    errors,
    request: summarize(request, context, redactor),
  }
}
