import type { Context } from '@paste/core'
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
/** The name of the error middleware's request function (see middleware.ts). */
export const MIDDLEWARE_FRAME = 'catchErrors'

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

/** FNV-1a over the text, twice with different offsets, as 16 hex digits (not cryptographic). */
function hash(text: string): string {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193) >>> 0
    b = Math.imul(b ^ c, 0x01000193) >>> 0
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')
}

/**
 * The stable signature of an error chain: error names and the locations of the innermost ten
 * application frames (not the runtime's, not node_modules', none below the error
 * middleware), no messages.
 *
 * @example
 * signatureOf(report.errors) // 'E-1F2E3D4C5B6A7988'
 */
export function signatureOf(errors: readonly ErrorEntry[]): string {
  const parts = errors.map((e) => {
    // frames above the error middleware only (who called it does not change what failed),
    // application frames only, innermost ten: the runtime's and dependencies' frames vary
    // with scheduling (a first call runs synchronously, later ones after a tick)
    const top = e.frames.findIndex((f) => f.function === MIDDLEWARE_FRAME)
    const own = e.frames
      .slice(0, top === -1 ? undefined : top)
      .filter((f) => !f.internal && !f.dependency)
    const frames = (own.length > 0 ? own : e.frames)
      .slice(0, 10)
      .map((f) => `${f.function ?? '?'}@${f.file ?? '?'}:${f.line ?? 0}`)
    // without frames (a thrown string) the message is all that tells two errors apart
    return `${e.relation}:${e.name}|${frames.length > 0 ? frames.join(',') : e.message}`
  })
  return `E-${hash(parts.join('\n')).toUpperCase()}`
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
 * A random incident id (crypto.randomUUID where available).
 *
 * @example
 * incidentId() // '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function incidentId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  if (typeof c?.randomUUID === 'function') return c.randomUUID()
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
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
