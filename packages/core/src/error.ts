/**
 * The brand that marks an HTTP error. `@paste/httpexceptions` sets it on its classes; any
 * object carrying it (from any copy of any package) is treated as one, so recognition does
 * not depend on `instanceof` and two installed copies interoperate.
 *
 * @example
 * class Teapot extends Error implements HttpErrorLike {
 *   readonly [HTTP_ERROR] = true as const
 *   readonly status = 418
 *   readonly expose = true
 *   toResponse() { return new Response("I'm a teapot", { status: 418 }) }
 * }
 */
export const HTTP_ERROR: unique symbol = Symbol.for('@paste/http-error') as never

/** The shape every branded HTTP error has. */
export interface HttpErrorLike {
  readonly [HTTP_ERROR]: true
  /** The HTTP status, 300-599. */
  readonly status: number
  /** Whether the message may be shown to the client (false for 5xx unless asked). */
  readonly expose: boolean
  /** Renders the error as a response for the given request. */
  toResponse(request: Request, context?: import('./context.js').Context): Response
}

/**
 * Tells whether a thrown value is a branded HTTP error.
 *
 * @example
 * try { return await app(request, context) } catch (error) {
 *   if (isHttpError(error)) return error.toResponse(request, context)
 *   throw error
 * }
 */
export function isHttpError(value: unknown): value is HttpErrorLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[HTTP_ERROR] === true &&
    typeof (value as { status?: unknown }).status === 'number' &&
    typeof (value as { toResponse?: unknown }).toResponse === 'function'
  )
}

/**
 * The response a server or error filter sends for an error that is not an HTTP error:
 * a plain 500 that carries nothing of the error itself.
 *
 * @example
 * } catch (error) {
 *   if (isHttpError(error)) return error.toResponse(request, context)
 *   context.logger.error('unhandled error', { error })
 *   return internalServerError()
 * }
 */
export function internalServerError(): Response {
  return new Response('Internal Server Error\n', {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })
}

/**
 * Thrown by {@link createContext} when a request cannot be given a context: a malformed
 * target or Host. It is a branded HTTP error (400), so any server or error filter answers
 * it with a 400 carrying only the fixed reason.
 *
 * @example
 * if (path === null) throw new MalformedRequestError('malformed request path')
 */
export class MalformedRequestError extends Error implements HttpErrorLike {
  readonly [HTTP_ERROR] = true as const
  readonly status = 400
  readonly expose = true
  override readonly name = 'MalformedRequestError'

  toResponse(): Response {
    return new Response(`Bad Request: ${this.message}\n`, {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    })
  }
}
