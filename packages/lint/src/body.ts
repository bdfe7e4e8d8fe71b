/*
 * Watching a response body as it streams: counts its bytes (Content-Length must match), checks
 * the chunk type and the Content-Type of non-empty bodies, and records how the stream ended,
 * so a body that was dropped half-read (neither read to its end nor cancelled) is reported:
 * at the end of a test request through a LintTracker, or when it is garbage collected.
 */
import { createKey } from '@paste/core'
import type { LintError, LintRule } from './error.js'

/** Reports one violation; returns the error to throw in `throw` mode, undefined in `warn` mode. */
export type Report = (rule: LintRule, message: string) => LintError | undefined

/** How a watched body ended so far. */
export type BodyOutcome = 'pending' | 'complete' | 'cancel' | 'error'

interface BodyState {
  outcome: BodyOutcome
  bytes: number
  readonly label: string
  readonly report: Report
}

/**
 * Collects the bodies that `lint()` layers wrapped during one request, so a test client can
 * check at the end of the request that none was abandoned. `@paste/fixture` puts one in the
 * context under {@link lintTrackerKey} for every request.
 *
 * @example
 * const tracker = new LintTracker()
 * const response = await app(request, context.with(lintTrackerKey, tracker))
 * await response.arrayBuffer()
 * const [error] = tracker.finish()   // LintError 'body-abandoned' if an inner body was dropped
 */
export class LintTracker {
  readonly #bodies = new Set<BodyState>()

  /** Starts watching one body. */
  add(state: BodyState): void {
    this.#bodies.add(state)
  }

  /** How many watched bodies are still neither read to their end nor cancelled. */
  get pending(): number {
    let n = 0
    for (const body of this.#bodies) if (body.outcome === 'pending') n++
    return n
  }

  /** Reports each body still pending as `body-abandoned`; returns the errors to throw (throw mode). */
  finish(): LintError[] {
    const errors: LintError[] = []
    for (const body of this.#bodies) {
      if (body.outcome !== 'pending') continue
      body.outcome = 'error'
      const error = body.report('body-abandoned', abandonedMessage(body))
      if (error) errors.push(error)
    }
    this.#bodies.clear()
    return errors
  }
}

/**
 * The context slot where a test client hands lint a {@link LintTracker} for the request.
 *
 * @example
 * const context = createContext(request).with(lintTrackerKey, new LintTracker())
 */
export const lintTrackerKey = createKey<LintTracker>('@paste/lint:tracker')

function abandonedMessage(body: BodyState): string {
  return `the body of ${body.label} was dropped after ${body.bytes} bytes without being read to its end or cancelled (call response.body.cancel() when replacing a response)`
}

const collected = new FinalizationRegistry<BodyState>((body) => {
  if (body.outcome === 'pending') {
    body.outcome = 'error'
    body.report('body-abandoned', `${abandonedMessage(body)}; found when it was garbage collected`)
  }
})

/** What {@link watchBody} checks the stream against. */
export interface BodyExpectations {
  /** The Content-Length the body must have, when it declares one that applies. */
  length: number | undefined
  /** Whether the response has a Content-Type (a non-empty body needs one). */
  hasContentType: boolean
  /** Names the response in messages: `GET /x -> 200`. */
  label: string
  report: Report
  tracker: LintTracker | undefined
  /** Called when the body has been read to its end; errors it returns fail the stream. */
  onComplete?: (() => LintError[]) | undefined
}

function isBytes(chunk: unknown): chunk is Uint8Array {
  return (
    chunk instanceof Uint8Array || Object.prototype.toString.call(chunk) === '[object Uint8Array]'
  )
}

/**
 * Returns a stream that yields `source`'s chunks unchanged while checking them. It pulls only
 * when its reader asks (high-water mark 0), so an abandoned body stays visibly unread.
 */
export function watchBody(
  source: ReadableStream<Uint8Array>,
  expect: BodyExpectations,
): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  const state: BodyState = {
    outcome: 'pending',
    bytes: 0,
    label: expect.label,
    report: expect.report,
  }
  expect.tracker?.add(state)
  let typeChecked = false
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const fail = (rule: LintRule, message: string): boolean => {
          const error = expect.report(rule, message)
          if (!error) return false
          state.outcome = 'error'
          reader.cancel(error).catch(() => {})
          controller.error(error)
          return true
        }
        let result: Awaited<ReturnType<typeof reader.read>>
        try {
          result = await reader.read()
        } catch (error) {
          state.outcome = 'error'
          controller.error(error)
          return
        }
        if (result.done) {
          // the body ended: it must have been as long as it said (RFC 9110 section 8.6)
          if (expect.length !== undefined && state.bytes < expect.length)
            if (
              fail(
                'content-length',
                `${expect.label}: Content-Length is ${expect.length} but the body ended after ${state.bytes} bytes`,
              )
            )
              return
          state.outcome = 'complete'
          // the outermost lint checks, once its body is sent, that no inner body was dropped
          const [abandoned] = expect.onComplete?.() ?? []
          if (abandoned) controller.error(abandoned)
          else controller.close()
          return
        }
        const chunk: unknown = result.value
        if (!isBytes(chunk)) {
          if (
            fail(
              'body-chunk',
              `${expect.label}: the body yielded a ${Object.prototype.toString.call(chunk).slice(8, -1)}, not a Uint8Array`,
            )
          )
            return
          controller.enqueue(chunk as Uint8Array)
          return
        }
        state.bytes += chunk.byteLength
        if (!typeChecked && chunk.byteLength > 0) {
          typeChecked = true
          // content without a type leaves the client guessing (RFC 9110 section 8.3)
          if (
            !expect.hasContentType &&
            fail('content-type', `${expect.label}: the response has content but no Content-Type`)
          )
            return
        }
        if (expect.length !== undefined && state.bytes > expect.length)
          if (
            fail(
              'content-length',
              `${expect.label}: Content-Length is ${expect.length} but the body has at least ${state.bytes} bytes`,
            )
          )
            return
        controller.enqueue(chunk)
      },
      cancel(reason) {
        if (state.outcome === 'pending') state.outcome = 'cancel'
        return reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
  collected.register(stream, state)
  return stream
}
