import { type Context, type HttpErrorLike, isHttpError, type Middleware } from '@paste/core'

/**
 * Options for {@link httpExceptions}.
 *
 * @example
 * pipe(app, httpExceptions({ logServerErrors: false, render: (e, req, ctx) => e.toResponse(req, ctx) }))
 */
export interface HttpExceptionsOptions {
  /** Log thrown 5xx exceptions (status, detail, comment, cause) with `context.logger.error`. @default true */
  logServerErrors?: boolean
  /**
   * Renders a caught exception (a custom error page).
   * @default (error, request, context) => error.toResponse(request, context)
   */
  render?: (
    error: HttpErrorLike,
    request: Request,
    context: Context,
  ) => Response | Promise<Response>
}

const defaultRender = (error: HttpErrorLike, request: Request, context: Context) =>
  error.toResponse(request, context)

/**
 * Turns thrown HTTP exceptions (anything carrying core's `HTTP_ERROR` brand, from any copy of
 * any package) into their responses (Paste's `HTTPExceptionHandler`). Other errors pass
 * through untouched, to the error middleware or server above, which answers a plain 500.
 *
 * @example
 * const site = pipe(app, httpExceptions())
 */
export function httpExceptions(options: HttpExceptionsOptions = {}): Middleware {
  const log = options.logServerErrors ?? true
  const render = options.render ?? defaultRender
  if (typeof render !== 'function')
    throw new TypeError('@paste/httpexceptions: render must be a function')
  return (app) =>
    async function httpExceptions(request, context) {
      try {
        return await app(request, context)
      } catch (error) {
        // not an HTTP exception: the error middleware above decides (a plain 500)
        if (!isHttpError(error)) throw error
        // a server error is a bug or an outage: keep what the client does not see
        if (log && error.status >= 500) {
          const { detail, comment, cause } = error as {
            detail?: unknown
            comment?: unknown
            cause?: unknown
          }
          context.logger.error('@paste/httpexceptions: server error', {
            status: error.status,
            detail,
            comment,
            cause,
          })
        }
        return render(error, request, context)
      }
    }
}
