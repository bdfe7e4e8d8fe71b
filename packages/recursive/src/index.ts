import type { Middleware } from '@paste/core'
import { checkKeepHeaders, DEFAULT_KEEP_HEADERS } from './headers.js'
import { Session } from './session.js'

export {
  FORWARD,
  type ForwardInit,
  ForwardRequest,
  InternalRedirect,
  isForwardRequest,
  type RedirectInit,
} from './forward.js'
export { DEFAULT_KEEP_HEADERS } from './headers.js'
export { type Forwarder, forwarderKey, type Included } from './session.js'

/**
 * Options for {@link recursive}.
 *
 * @example
 * pipe(app, recursive({ keepHeaders: ['accept', 'cookie'], maxDepth: 8, maxIncludeBytes: 1 << 20 }))
 */
export interface RecursiveOptions {
  /**
   * Request headers a forward or include copies from the original request (lower-case
   * names). Body, framing, conditional and range headers can never be kept.
   * @default ['accept', 'accept-language', 'authorization', 'cookie', 'user-agent']
   */
  keepHeaders?: readonly string[]
  /** Forwards and includes one request may chain before it is ended with a 500. @default 16 */
  maxDepth?: number
  /** Bytes `include()` reads from a response before failing with a 500. @default 8388608 */
  maxIncludeBytes?: number
}

function positiveInteger(value: number, name: string): number {
  if (!(Number.isSafeInteger(value) && value > 0))
    throw new TypeError(`@paste/recursive: ${name} must be a positive integer`)
  return value
}

/**
 * Lets the apps below forward a request to another path of the same app (by throwing
 * `ForwardRequest`, or with `context.require(forwarderKey).forward(path)`), include another
 * path's response, or redirect the original request internally (Paste's
 * `RecursiveMiddleware`). Paths are relative to where this middleware is mounted. A path
 * visited twice in one chain, or a chain longer than `maxDepth`, ends with a 500.
 *
 * @example
 * const site = pipe(app, recursive())
 * // in app: if (!user) throw new ForwardRequest('/login', { status: 401 })
 */
export function recursive(options: RecursiveOptions = {}): Middleware {
  const settings = {
    keep: Object.freeze(
      checkKeepHeaders(options.keepHeaders ?? DEFAULT_KEEP_HEADERS, 'keepHeaders'),
    ),
    maxDepth: positiveInteger(options.maxDepth ?? 16, 'maxDepth'),
    maxIncludeBytes: positiveInteger(options.maxIncludeBytes ?? 8 * 1024 * 1024, 'maxIncludeBytes'),
  }
  return (app) =>
    function recursive(request, context) {
      const session = new Session(app, request, context, settings)
      // the original path counts as visited: forwarding back to it is a loop (as in Paste)
      return session.run({ request, context, chain: [context.pathInfo] })
    }
}
