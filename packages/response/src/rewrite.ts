import { type App, type Context, isHttpError } from '@paste/core'
import { isNullBodyStatus } from './headers.js'

/** Anything `new Headers()` accepts. */
type HeadersInit = NonNullable<ConstructorParameters<typeof Headers>[0]>
/** Anything `new Response()` accepts as a body. */
type BodyInit = NonNullable<ConstructorParameters<typeof Response>[0]>

/** What {@link rewriteResponse} changes; anything left out is kept. */
export interface ResponseChanges {
  /** The new status. Changing to 204/205/304 drops (cancels) the body. */
  status?: number
  /** The new reason phrase. @default the old one when the status is unchanged, else '' */
  statusText?: string
  /**
   * Either the complete new header set (HeadersInit: nothing old is kept), or a function that
   * edits a mutable copy of the old headers.
   */
  headers?: HeadersInit | ((headers: Headers) => void)
  /**
   * A new body. The old body is cancelled (so its source is released) unless the new body
   * reads from it (it is locked, e.g. by `pipeThrough`), and `Content-Length`
   * is dropped unless the new headers are given as a complete set (a header editor may set
   * it again). Other headers that describe the old body (`ETag`, `Content-Encoding`,
   * `Content-Range`) are the caller's to adjust.
   */
  body?: BodyInit | null
}

/**
 * Builds a new Response from another with some parts replaced (Paste's `intercept_output`
 * rewrite step). The old body is moved, not read, when it is kept; `Set-Cookie` values stay
 * separate. Throws a `TypeError`/`RangeError` as `new Response` does for an invalid status.
 *
 * @example
 * return rewriteResponse(response, { status: 404, body: 'gone', headers: (h) => h.set('content-type', 'text/plain') })
 */
export function rewriteResponse(response: Response, changes: ResponseChanges): Response {
  const status = changes.status ?? response.status
  const statusText = changes.statusText ?? (status === response.status ? response.statusText : '')
  const replacesBody = 'body' in changes && changes.body !== undefined
  const editsHeaders = changes.headers === undefined || typeof changes.headers === 'function'
  const headers = new Headers(editsHeaders ? response.headers : (changes.headers as HeadersInit))
  // the old length describes the old body (a header editor may still set a new one)
  if (replacesBody && editsHeaders) headers.delete('content-length')
  if (typeof changes.headers === 'function') changes.headers(headers)
  const body: BodyInit | null = replacesBody ? (changes.body as BodyInit | null) : response.body
  const sent = isNullBodyStatus(status) ? null : body
  // release the old body's source, unless it is in use (a new body piped from it)
  const old = response.body
  if (sent !== old && old !== null && !old.locked && !response.bodyUsed)
    old.cancel().catch(() => {})
  return new Response(sent, { status, statusText, headers })
}

/** Decides what to send instead of an app's response; may return it unchanged. */
export type ResponseInterceptor = (
  response: Response,
  request: Request,
  context: Context,
) => Response | Promise<Response>

/**
 * Wraps an App so that `intercept` sees every response it produces, including the response
 * of an HTTP error it throws (rendered with the error's own `toResponse`), and may return
 * another one: the tool every filter needs. Errors that are not HTTP errors propagate.
 *
 * @example
 * const noStore = interceptResponse(app, (response) =>
 *   rewriteResponse(response, { headers: (h) => h.set('cache-control', 'no-store') }))
 */
export function interceptResponse(app: App, intercept: ResponseInterceptor): App {
  return async function intercepted(request, context) {
    let response: Response
    try {
      response = await app(request, context)
    } catch (error) {
      if (!isHttpError(error)) throw error
      response = error.toResponse(request, context)
    }
    return intercept(response, request, context)
  }
}
