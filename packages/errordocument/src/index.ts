import {
  type App,
  type Context,
  internalServerError,
  isHttpError,
  type Middleware,
  normalizePath,
} from '@paste/core'
import { forwarderKey, type RecursiveOptions, recursive } from '@paste/recursive'
import { mergeHeaders } from './merge.js'

/**
 * What an error maps to: a path of the same app to forward to, or a callback.
 *
 * @example
 * errorDocument({ 404: '/errors/404', 500: (status) => `/errors/page?code=${status}` })
 */
export type ErrorDocumentTarget = string | ErrorDocumentCallback

/**
 * Decides what to show for an error response: a path (relative to the recursive mount) to
 * forward to, a `Response` to send instead, or `undefined` to leave the error as it is.
 *
 * @example
 * const pick: ErrorDocumentCallback = (status) => (status >= 500 ? '/errors/oops' : undefined)
 */
export type ErrorDocumentCallback = (
  status: number,
  request: Request,
  context: Context,
  response: Response,
) => string | Response | undefined | Promise<string | Response | undefined>

/**
 * Options for {@link errorDocument}.
 *
 * @example
 * pipe(app, errorDocument({ 500: '/errors/500' }, { catchErrors: true, recursive: { maxDepth: 4 } }))
 */
export interface ErrorDocumentOptions {
  /** Options for the `recursive()` added when none is installed above. @default {} */
  recursive?: RecursiveOptions
  /**
   * Treat any other thrown error as a plain 500 (logged with `context.logger.error`), so a
   * crash gets the 500 page too. Off, such errors go up to the error middleware above.
   * @default false
   */
  catchErrors?: boolean
}

type Decide = ErrorDocumentCallback

function fromMap(codes: Readonly<Record<number, ErrorDocumentTarget>>): Decide {
  const table = new Map<number, ErrorDocumentTarget>()
  for (const [key, target] of Object.entries(codes)) {
    const status = Number(key)
    if (!(Number.isInteger(status) && status >= 400 && status <= 599))
      throw new TypeError(
        `@paste/errordocument: ${JSON.stringify(key)} is not an error status (400-599)`,
      )
    if (typeof target === 'string' ? !target.startsWith('/') : typeof target !== 'function')
      throw new TypeError(
        `@paste/errordocument: the target for ${status} must be a /path or a function`,
      )
    table.set(status, target)
  }
  return (status, request, context, response) => {
    const target = table.get(status)
    return typeof target === 'function' ? target(status, request, context, response) : target
  }
}

/** Cancels a body that will not be sent. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {})
}

async function replace(
  decide: Decide,
  original: Response,
  request: Request,
  context: Context,
): Promise<Response> {
  const target = await decide(original.status, request, context, original)
  // not mapped: the error stands
  if (target === undefined) return original
  // a callback answered with its own page
  if (typeof target !== 'string') {
    discard(original)
    return target
  }
  const forwarder = context.require(forwarderKey)
  // the error page is already being fetched in this chain: do not forward to it again
  if (forwarder.chain.includes(normalizePath(target.split('?')[0]!) ?? target)) return original
  const page = await forwarder.forward(target)
  // only a successful page replaces the error; a missing or failing one (or a loop's 500) does not
  if (page.status < 200 || page.status > 299) {
    context.logger.warn('@paste/errordocument: error page failed', { target, status: page.status })
    discard(page)
    return original
  }
  discard(original)
  // HEAD: the page's headers without its body (RFC 9110 section 9.3.2)
  const head = request.method === 'HEAD'
  if (head) discard(page)
  return new Response(head ? null : page.body, {
    status: original.status,
    headers: mergeHeaders(original.headers, page.headers),
  })
}

function intercept(decide: Decide, catchErrors: boolean): Middleware {
  return (app) =>
    async function errorDocument(request, context) {
      let response: Response
      try {
        response = await app(request, context)
      } catch (error) {
        if (isHttpError(error) && error.status >= 400) {
          // a thrown HTTP exception is an error response like any other
          response = error.toResponse(request, context)
        } else if (catchErrors && !isHttpError(error)) {
          // a crash: logged here, shown as a plain 500 the map may replace
          context.logger.error('@paste/errordocument: unhandled error', { error })
          response = internalServerError()
        } else throw error
      }
      if (response.status < 400) return response
      return replace(decide, response, request, context)
    }
}

/**
 * Replaces error responses (returned or thrown) by another path's response, fetched with an
 * internal forward through `@paste/recursive`, keeping the original status and the headers
 * that speak about the error (Paste's `errordocument.forward`). Map values may also be
 * callbacks; `errorDocument.custom(callback)` decides for every status. A `recursive()` is
 * added when none is installed above.
 *
 * @example
 * const site = pipe(app, errorDocument({ 404: '/errors/404', 500: '/errors/500' }))
 * const custom = pipe(app, errorDocument.custom((status) => (status >= 500 ? '/errors/oops' : undefined)))
 */
export const errorDocument = Object.assign(
  function errorDocument(
    codes: Readonly<Record<number, ErrorDocumentTarget>>,
    options: ErrorDocumentOptions = {},
  ): Middleware {
    if (typeof codes !== 'object' || codes === null)
      throw new TypeError('@paste/errordocument: codes must map statuses to paths or functions')
    return withRecursive(fromMap(codes), options)
  },
  {
    /**
     * The callback variant (Paste's `StatusBasedForward`): `callback(status, request, context,
     * response)` returns a path to forward to, a `Response`, or `undefined`.
     *
     * @example
     * errorDocument.custom((status) => `/errors/page?code=${status}`)
     */
    custom(callback: ErrorDocumentCallback, options: ErrorDocumentOptions = {}): Middleware {
      if (typeof callback !== 'function')
        throw new TypeError('@paste/errordocument: custom needs a callback')
      return withRecursive(callback, options)
    },
  },
)

function withRecursive(decide: Decide, options: ErrorDocumentOptions): Middleware {
  const addRecursive = recursive(options.recursive)
  return (app) => {
    const inner: App = intercept(decide, options.catchErrors === true)(app)
    const standalone = addRecursive(inner)
    // use the recursive() above when there is one, so forward paths are relative to it
    return (request, context) =>
      context.has(forwarderKey) ? inner(request, context) : standalone(request, context)
  }
}
