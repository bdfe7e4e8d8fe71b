import { type Context, HTTP_ERROR, type HttpErrorLike } from '@paste/core'
import { type ErrorView, renderBody } from './render.js'
import { statusText } from './statuses.js'

/**
 * What `new Headers()` accepts (a `Headers`, a record or a list of pairs).
 *
 * @example
 * const headers: HeadersLike = { 'cache-control': 'no-store' }
 */
export type HeadersLike = ConstructorParameters<typeof Headers>[0]

/**
 * Options every HTTP exception takes.
 *
 * @example
 * const options: HttpExceptionOptions = { detail: 'No user 7', comment: 'users table', expose: true }
 */
export interface HttpExceptionOptions {
  /** Plain text added below the explanation (escaped when rendered). */
  detail?: string
  /** Plain text for developers: an HTML comment / JSON field, never in plain text. */
  comment?: string
  /** Extra response headers. */
  headers?: HeadersLike
  /** Whether detail and comment reach the client. @default true below 500, false for 5xx */
  expose?: boolean
  /** The error that caused this one (kept for logs, never rendered). */
  cause?: unknown
}

/**
 * A detail string, or the full options.
 *
 * @example
 * throw new NotFound('No user 7') // same as new NotFound({ detail: 'No user 7' })
 */
export type HttpExceptionInit = string | HttpExceptionOptions

function options(init: HttpExceptionInit | undefined): HttpExceptionOptions {
  return typeof init === 'string' ? { detail: init } : (init ?? {})
}

/**
 * An HTTP response that interrupts normal processing: throw it from an App (or return
 * `toResponse()`). It carries core's `HTTP_ERROR` brand, so any copy of any package
 * recognises it with `isHttpError`, without `instanceof`.
 *
 * @example
 * throw new HttpException(418, { detail: 'I am a teapot' })
 */
export class HttpException extends Error implements HttpErrorLike {
  readonly [HTTP_ERROR] = true as const
  /** The HTTP status (300-599). */
  readonly status: number
  /** The reason phrase (`Not Found`). */
  readonly title: string
  /** A fixed sentence explaining the status. */
  readonly explanation: string
  /** Request-specific text (shown only when `expose`). */
  readonly detail: string | undefined
  /** Developer text (shown only when `expose`, as an HTML comment or JSON field). */
  readonly comment: string | undefined
  /** Headers added to the response. */
  readonly headers: Headers
  /** Whether detail and comment may be shown to the client. */
  readonly expose: boolean

  constructor(status: number, init?: HttpExceptionInit) {
    if (!Number.isInteger(status) || status < 300 || status > 599)
      throw new TypeError(`@paste/httpexceptions: status must be an integer 300-599, got ${status}`)
    const o = options(init)
    if (o.detail !== undefined && typeof o.detail !== 'string')
      throw new TypeError('@paste/httpexceptions: detail must be a string')
    if (o.comment !== undefined && typeof o.comment !== 'string')
      throw new TypeError('@paste/httpexceptions: comment must be a string')
    const text = statusText(status)
    super(o.detail ? `${status} ${text.title}: ${o.detail}` : `${status} ${text.title}`, {
      cause: o.cause,
    })
    this.name = new.target.name
    this.status = status
    this.title = text.title
    this.explanation = text.explanation
    this.detail = o.detail
    this.comment = o.comment
    this.headers = new Headers(o.headers)
    this.expose = o.expose ?? status < 500
  }

  /**
   * Renders this exception as a response: HTML, JSON or plain text by the request's Accept
   * header, everything escaped; no body for HEAD and 304.
   */
  toResponse(request: Request, context?: Context): Response {
    const headers = new Headers(this.headers)
    const view = this.view(request, context)
    if (view.location !== undefined) headers.set('location', view.location)
    const bodyless = this.status === 304 || request.method === 'HEAD'
    if (this.status === 304) return new Response(null, { status: 304, headers })
    const [body, type] = renderBody(view, request.headers.get('accept'))
    headers.set('content-type', type)
    headers.set('x-content-type-options', 'nosniff')
    headers.append('vary', 'Accept')
    return new Response(bodyless ? null : body, { status: this.status, headers })
  }

  /** What the body shows; subclasses adjust it (the method for 405, the location for 3xx). */
  protected view(request: Request, _context: Context | undefined): ErrorView {
    const view: ErrorView = {
      status: this.status,
      title: this.title,
      explanation: this.explain(request),
    }
    if (this.expose) {
      view.detail = this.detail
      view.comment = this.comment
    }
    return view
  }

  /** The explanation for this request (405 and 501 name the method). */
  protected explain(_request: Request): string {
    return this.explanation
  }
}

function checkClass(status: number, low: number, high: number, name: string): void {
  if (!(status >= low && status <= high))
    throw new TypeError(
      `@paste/httpexceptions: ${name} status must be ${low}-${high}, got ${status}`,
    )
}

/**
 * Base of the 3xx classes (Paste's `HTTPRedirection`): not errors, but they end processing.
 *
 * @example
 * if (error instanceof HttpRedirection) log.info('redirected')
 */
export class HttpRedirection extends HttpException {
  constructor(status: number, init?: HttpExceptionInit) {
    checkClass(status, 300, 399, 'HttpRedirection')
    super(status, init)
  }
}

/**
 * Base of the 4xx and 5xx classes (Paste's `HTTPError`).
 *
 * @example
 * if (error instanceof HttpError) rollback()
 */
export class HttpError extends HttpException {
  constructor(status: number, init?: HttpExceptionInit) {
    checkClass(status, 400, 599, 'HttpError')
    super(status, init)
  }
}

/**
 * Base of the 4xx classes: the client is in error (Paste's `HTTPClientError`).
 *
 * @example
 * throw new HttpClientError(422, 'The title is empty')
 */
export class HttpClientError extends HttpError {
  constructor(status: number, init?: HttpExceptionInit) {
    checkClass(status, 400, 499, 'HttpClientError')
    super(status, init)
  }
}

/**
 * Base of the 5xx classes: the server is in error; detail and comment are hidden unless
 * `expose: true` (Paste's `HTTPServerError`).
 *
 * @example
 * throw new HttpServerError(507, { detail: 'disk full', expose: false })
 */
export class HttpServerError extends HttpError {
  constructor(status: number, init?: HttpExceptionInit) {
    checkClass(status, 500, 599, 'HttpServerError')
    super(status, init)
  }
}
