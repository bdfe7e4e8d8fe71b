import type { Context } from './context.js'

/**
 * An application: a Fetch handler that also receives the request's {@link Context}.
 * It returns a `Response` (or a promise of one) and may throw an HTTP error
 * (see `@paste/httpexceptions`).
 *
 * @example
 * const hello: App = (_request, context) => new Response(`Hello from ${context.scriptName || '/'}`)
 */
export type App = (request: Request, context: Context) => Response | Promise<Response>

/**
 * A filter: takes the application it wraps and returns a new application.
 *
 * @example
 * const poweredBy: Middleware = (app) => async function poweredBy(request, context) {
 *   const inner = await app(request, context)
 *   // a copy: the inner response's headers may be immutable (fetch(), Response.redirect())
 *   const response = new Response(inner.body, inner)
 *   response.headers.set('X-Powered-By', 'paste')
 *   return response
 * }
 */
export type Middleware = (app: App) => App

/**
 * Nests middleware around an application, outermost first:
 * `pipe(app, a, b)` is `a(b(app))`, so a request passes `a`, then `b`, then reaches `app`.
 *
 * @example
 * const site = pipe(app, errorMiddleware(), gzip(), session({ store }))
 */
export function pipe(app: App, ...middleware: readonly Middleware[]): App {
  let wrapped = app
  for (let i = middleware.length - 1; i >= 0; i--) {
    const layer = middleware[i]!
    wrapped = layer(wrapped)
    if (typeof wrapped !== 'function') {
      throw new TypeError(`@paste/core: pipe: middleware #${i} did not return an App`)
    }
  }
  return wrapped
}

/**
 * Combines several middleware into one, outermost first (the same order as {@link pipe}).
 *
 * @example
 * const security = compose(authBasic({ realm, check }), grantIp({ ... }))
 * const site = pipe(app, security)
 */
export function compose(...middleware: readonly Middleware[]): Middleware {
  return (app) => pipe(app, ...middleware)
}
