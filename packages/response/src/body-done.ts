import { isNullBodyStatus } from './headers.js'

/** How a response body ended. */
export type BodyOutcome = 'complete' | 'error' | 'cancel'

/** Called once when a body ends; `error` is the stream error or the cancel reason. */
export type BodyDoneCallback = (outcome: BodyOutcome, error?: unknown) => void

/** Options for {@link onBodyDone}. */
export interface BodyDoneOptions {
  /**
   * Called with each chunk as the consumer reads it, before it is handed on (to count the
   * bytes actually sent, as an access log does). An exception fails the stream like a source
   * error would. @default none
   */
  onChunk?: (chunk: Uint8Array) => void
}

/**
 * Returns a response whose body calls `callback` exactly once when it ends: `'complete'` when
 * the last chunk has been read, `'error'` when the source stream fails, `'cancel'` when the
 * consumer (the server, on a client disconnect) cancels it, which is forwarded to the source.
 * The wrapper is pull-based: it reads from the source only when the consumer asks, so
 * backpressure is kept. A response without a body completes at once (on a microtask). An
 * exception thrown by the callback is reported with `console.error` and otherwise ignored.
 * Note that a body that nobody reads nor cancels never ends: servers must do one or the other.
 *
 * @example
 * const lock = await acquire()
 * return onBodyDone(await app(request, context), (outcome) => lock.release())
 * // counting what was sent:
 * let bytes = 0
 * return onBodyDone(response, (outcome) => log(outcome, bytes), {
 *   onChunk: (chunk) => void (bytes += chunk.byteLength),
 * })
 */
export function onBodyDone(
  response: Response,
  callback: BodyDoneCallback,
  options: BodyDoneOptions = {},
): Response {
  const onChunk = options.onChunk
  let done = false
  const finish = (outcome: BodyOutcome, error?: unknown) => {
    if (done) return
    done = true
    try {
      if (outcome === 'complete') callback(outcome)
      else callback(outcome, error)
    } catch (callbackError) {
      console.error('@paste/response: onBodyDone callback threw', callbackError)
    }
  }
  const source = response.body
  if (source === null || isNullBodyStatus(response.status)) {
    queueMicrotask(() => finish('complete'))
    return response
  }
  const reader = source.getReader()
  const wrapped = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: Awaited<ReturnType<typeof reader.read>>
        try {
          result = await reader.read()
        } catch (error) {
          controller.error(error)
          finish('error', error)
          return
        }
        if (result.done) {
          controller.close()
          finish('complete')
          return
        }
        try {
          onChunk?.(result.value)
        } catch (error) {
          controller.error(error)
          finish('error', error)
          reader.cancel(error).catch(() => {})
          return
        }
        controller.enqueue(result.value)
      },
      cancel(reason) {
        finish('cancel', reason)
        // The consumer gave up: a source that already failed has nothing more to say to it.
        return reader.cancel(reason).catch(() => {})
      },
    },
    { highWaterMark: 0 },
  )
  return new Response(wrapped, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
}
