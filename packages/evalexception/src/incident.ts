import type { Context } from '@paste/core'
import { collectError, type ErrorEntry, type Redactor, type ReportFrame } from '@paste/exceptions'
import { type CapturedFrame, capturedFrames } from './capture.js'
import { mapFrame, mapPosition, toPath } from './sourcemap.js'
import type { KeptError } from './store.js'

/** How much of an error is collected. */
export interface Limits {
  sourceContext: number
  maxFrames: number
  maxErrors: number
}

/** The thrown value, its causes and AggregateError members, depth first, once each. */
export function errorChain(
  thrown: unknown,
  max: number,
): [unknown, ErrorEntry['relation'], number][] {
  const out: [unknown, ErrorEntry['relation'], number][] = []
  const seen = new Set<unknown>()
  const visit = (value: unknown, relation: ErrorEntry['relation'], depth: number) => {
    if (out.length >= max || seen.has(value)) return
    seen.add(value)
    out.push([value, relation, depth])
    try {
      if (value instanceof AggregateError && Array.isArray(value.errors))
        for (const member of value.errors) visit(member, 'aggregate', depth + 1)
      if (value instanceof Error && value.cause !== undefined)
        visit(value.cause, 'cause', depth + 1)
    } catch {
      // a hostile getter ends the walk here
    }
  }
  visit(thrown, 'thrown', 0)
  return out
}

/** `async fn` / `new Foo` / `Foo.bar` as the inspector names it: `fn`, `Foo`, `bar`. */
function bareName(name: string | undefined): string {
  const n = (name ?? '').replace(/^(async |new )/, '').replace(/ \[as [^\]]*\]$/, '')
  return n.slice(n.lastIndexOf('.') + 1)
}

/**
 * Pairs stack frames with captured frames, in order (both lists are innermost first; the
 * capture skips runtime frames): same file and same line or same function name. A captured
 * frame without a url (a vm script, as test runners and bundler dev servers load modules)
 * pairs by function name alone.
 */
export function matchFrames(
  frames: readonly ReportFrame[],
  captured: readonly CapturedFrame[],
): (CapturedFrame | undefined)[] {
  let next = 0
  return frames.map((frame) => {
    const file = toPath(frame.file)
    if (file === undefined) return undefined
    for (let i = next; i < captured.length; i++) {
      // the inspector gives generated positions: map them as the stack was
      const c = {
        ...captured[i]!,
        ...mapPosition(captured[i]!.url, captured[i]!.line, captured[i]!.column),
      }
      c.url = c.file ?? c.url
      const sameName =
        bareName(c.function) !== '' && bareName(c.function) === bareName(frame.function)
      const paired =
        c.url === '' ? sameName : toPath(c.url) === file && (c.line === frame.line || sameName)
      if (paired) {
        next = i + 1
        return captured[i]!
      }
    }
    return undefined
  })
}

/** Collects each error of the chain (source-mapped frames) with the locals captured for it. */
export async function collectChain(
  thrown: unknown,
  request: Request,
  context: Context,
  redactor: Redactor,
  limits: Limits,
): Promise<{ errors: KeptError[]; summary: Awaited<ReturnType<typeof collectError>>['request'] }> {
  const one = { ...limits, maxErrors: 1 }
  const errors: KeptError[] = []
  let summary: Awaited<ReturnType<typeof collectError>>['request'] | undefined
  for (const [value, relation, depth] of errorChain(thrown, limits.maxErrors)) {
    const report = await collectError(value, request, context, 'response', redactor, one)
    summary ??= report.request
    const entry = report.errors[0]!
    const frames = await Promise.all(entry.frames.map((f) => mapFrame(f, limits.sourceContext)))
    const captured = capturedFrames(value)
    const locals = captured ? matchFrames(frames, captured) : frames.map(() => undefined)
    errors.push({ entry: { ...entry, relation, depth, frames }, value, locals })
  }
  return { errors, summary: summary! }
}
