import { HTTP_ERROR, type HttpErrorLike } from '@paste/core'

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
}

/**
 * Thrown by {@link readForm} for a body it will not read: 400 (malformed), 413 (over a
 * limit) or 415 (unsupported type or content coding). It carries the HTTP error brand of
 * `@paste/core`, so any error filter or server answers it with its status and the fixed,
 * safe reason (never the body or the headers).
 *
 * @example
 * try { form = await readForm(request) } catch (error) {
 *   if (error instanceof RequestBodyError && error.status === 413) context.logger.warn('big upload')
 *   throw error
 * }
 */
export class RequestBodyError extends Error implements HttpErrorLike {
  readonly [HTTP_ERROR] = true as const
  readonly expose = true
  override readonly name = 'RequestBodyError'
  readonly status: 400 | 413 | 415
  readonly headers: Headers

  constructor(status: 400 | 413 | 415, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.status = status
    this.headers = new Headers({ 'content-type': 'text/plain; charset=utf-8' })
  }

  /** A plain-text response with the status and the fixed reason. */
  toResponse(): Response {
    return new Response(`${TITLES[this.status]}: ${this.message}\n`, {
      status: this.status,
      headers: this.headers,
    })
  }
}
