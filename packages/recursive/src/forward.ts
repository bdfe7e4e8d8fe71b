/**
 * What a subrequest (forward or include) carries over and changes.
 *
 * @example
 * throw new ForwardRequest('/errors/404', { status: 404, keepHeaders: ['accept'], headers: { 'x-original': '/x' } })
 */
export interface ForwardInit {
  /** The subrequest's method. @default 'GET' */
  method?: string
  /**
   * Request headers copied from the original request, by name (replaces the middleware's
   * `keepHeaders` for this call). Body, framing, conditional and range headers can never be kept.
   */
  keepHeaders?: readonly string[]
  /** Headers set on the subrequest (after the kept ones). */
  headers?: ConstructorParameters<typeof Headers>[0]
  /** Forward only: the status the final response gets (keeps an error status on an error page). */
  status?: number
}

/**
 * What an internal redirect changes; everything else is the original request's.
 *
 * @example
 * throw new InternalRedirect('/form', { status: 422 })
 */
export interface RedirectInit {
  /** The status the final response gets. @default the redirected response's own */
  status?: number
}

/**
 * The brand of a thrown forward, shared by every copy of this package.
 *
 * @example
 * const forward = { [FORWARD]: true, path: '/login', init: {}, preserve: false }
 */
export const FORWARD: unique symbol = Symbol.for('@paste/recursive.forward') as never

/**
 * Thrown by an app (below `recursive()`) to answer with another path's response instead:
 * a GET subrequest without the original body (Paste's `ForwardRequestException`). The path
 * is relative to where `recursive()` is mounted and may carry a query.
 *
 * @example
 * if (!found) throw new ForwardRequest('/errors/missing?what=user', { status: 404 })
 */
export class ForwardRequest extends Error {
  readonly [FORWARD] = true as const
  /** The target path (with optional query), relative to the recursive mount. */
  readonly path: string
  /** How the subrequest is built. */
  readonly init: ForwardInit
  /** True for an internal redirect (the original request re-sent to another path). */
  readonly preserve: boolean = false

  constructor(path: string, init: ForwardInit = {}) {
    super(`forward to ${path}`)
    this.name = new.target.name
    this.path = path
    this.init = { ...init }
  }
}

/**
 * Thrown to re-run the original request (method, headers, unread body, client details and
 * the query when the path has none) on another path: Paste's environ-preserving forward.
 *
 * @example
 * if (context.pathInfo === '/old-form') throw new InternalRedirect('/form')
 */
export class InternalRedirect extends ForwardRequest {
  override readonly preserve: boolean = true

  constructor(path: string, init: RedirectInit = {}) {
    super(path, init.status === undefined ? {} : { status: init.status })
  }
}

/**
 * Tells whether a thrown value is a forward (from any copy of this package).
 *
 * @example
 * try { return await app(request, context) } catch (e) { if (!isForwardRequest(e)) throw e }
 */
export function isForwardRequest(value: unknown): value is ForwardRequest {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[FORWARD] === true &&
    typeof (value as { path?: unknown }).path === 'string'
  )
}
