import type { AccessOutcome } from './format.js'

/** Called once when the body ends, with the bytes that were handed on. */
export type CountDone = (outcome: AccessOutcome, bytes: number) => void

/**
 * Returns `response` with a body that counts the bytes the server reads and calls `done`
 * once: `complete` after the last chunk, `aborted` when the server cancels it (the client
 * went away), `error` when the source fails. Pull-based (high-water mark 0), so nothing is
 * read before the server asks and backpressure is kept.
 */
export function countBody(response: Response, done: CountDone): Response {
  const source = response.body
  if (source === null) {
    queueMicrotask(() => done('complete', 0))
    return response
  }
  let bytes = 0
  let ended = false
  const finish = (outcome: AccessOutcome) => {
    if (ended) return
    ended = true
    done(outcome, bytes)
  }
  const reader = source.getReader()
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: Awaited<ReturnType<typeof reader.read>>
        try {
          result = await reader.read()
        } catch (error) {
          controller.error(error)
          finish('error')
          return
        }
        if (result.done) {
          controller.close()
          finish('complete')
          return
        }
        bytes += result.value.byteLength
        controller.enqueue(result.value)
      },
      cancel(reason) {
        finish('aborted')
        return reader.cancel(reason).catch(() => {})
      },
    },
    { highWaterMark: 0 },
  )
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
}
