/**
 * How a response ended, as the server that sent it saw: `complete` (the whole body was handed
 * to the connection), `aborted` (the connection closed first: the client went away), `error`
 * (the body failed while being sent; the connection was cut).
 */
export type SentOutcome = 'complete' | 'aborted' | 'error'

/** Called once when the response to a request has been sent, or has failed to be. */
export type SentCallback = (outcome: SentOutcome, bodyBytes: number) => void

/**
 * The well-known symbol under which a server puts a method on the `Request` it hands the App:
 * `request[ON_SENT](callback)` asks it to call `callback(outcome, bodyBytes)` once the
 * response to that request has left. `@paste/httpserver`'s Request implements it; any other
 * runtime's Request does not have it.
 */
export const ON_SENT: unique symbol = Symbol.for('@paste/core.onSent') as never

/**
 * Asks the server to call `callback` once the response to `request` has been sent (its body
 * written, or the connection lost), with the body bytes written. Returns `false` when the
 * server cannot tell (another runtime, or a Request that a middleware rebuilt): the caller
 * then falls back to watching the body itself (`onBodyDone` of `@paste/response`), which
 * costs a Web stream per response. What the server reports is the response it wrote: with
 * filters outside the caller (gzip), their bytes.
 *
 * @example
 * if (!whenSent(request, (outcome, bytes) => log(status, outcome, bytes)))
 *   return onBodyDone(response, (outcome) => log(status, outcome, counted))
 */
export function whenSent(request: Request, callback: SentCallback): boolean {
  const hook = (request as unknown as Record<symbol, unknown>)[ON_SENT]
  if (typeof hook !== 'function') return false
  ;(hook as (callback: SentCallback) => void).call(request, callback)
  return true
}
