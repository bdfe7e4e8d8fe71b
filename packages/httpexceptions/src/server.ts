import type { RetryAfterOptions } from './client.js'
import { type HttpExceptionInit, HttpServerError } from './exception.js'
import { setRetryAfter, withHeaders } from './headers.js'

/**
 * 500: the server failed; detail hidden unless `expose` (RFC 9110 15.6.1).
 *
 * @example
 * throw new InternalServerError({ detail: 'db down', cause: error })
 */
export class InternalServerError extends HttpServerError {
  constructor(init?: HttpExceptionInit) {
    super(500, init)
  }
}

/**
 * 501: the server does not support the method (RFC 9110 15.6.2); names the method.
 *
 * @example
 * throw new NotImplemented()
 */
export class NotImplemented extends HttpServerError {
  constructor(init?: HttpExceptionInit) {
    super(501, init)
  }

  protected override explain(request: Request): string {
    return `The request method ${request.method} is not implemented by this server.`
  }
}

/**
 * 502: an upstream server answered badly (RFC 9110 15.6.3).
 *
 * @example
 * throw new BadGateway()
 */
export class BadGateway extends HttpServerError {
  constructor(init?: HttpExceptionInit) {
    super(502, init)
  }
}

/**
 * 503: temporarily unavailable (RFC 9110 15.6.4); `retryAfter` becomes `Retry-After`.
 *
 * @example
 * throw new ServiceUnavailable({ retryAfter: 120 })
 */
export class ServiceUnavailable extends HttpServerError {
  constructor(init?: string | RetryAfterOptions) {
    const retryAfter = typeof init === 'object' ? init.retryAfter : undefined
    super(
      503,
      withHeaders(init, (h) => setRetryAfter(h, retryAfter)),
    )
  }
}

/**
 * 504: an upstream server did not answer in time (RFC 9110 15.6.5).
 *
 * @example
 * throw new GatewayTimeout()
 */
export class GatewayTimeout extends HttpServerError {
  constructor(init?: HttpExceptionInit) {
    super(504, init)
  }
}

/**
 * 505: the HTTP version is not supported (RFC 9110 15.6.6).
 *
 * @example
 * throw new HttpVersionNotSupported()
 */
export class HttpVersionNotSupported extends HttpServerError {
  constructor(init?: HttpExceptionInit) {
    super(505, init)
  }
}

/**
 * 506: content negotiation is misconfigured (RFC 2295 8.1).
 *
 * @example
 * throw new VariantAlsoNegotiates()
 */
export class VariantAlsoNegotiates extends HttpServerError {
  constructor(init?: HttpExceptionInit) {
    super(506, init)
  }
}

/**
 * 507: the server cannot store what the request needs (RFC 4918 11.5).
 *
 * @example
 * throw new InsufficientStorage()
 */
export class InsufficientStorage extends HttpServerError {
  constructor(init?: HttpExceptionInit) {
    super(507, init)
  }
}

/**
 * 508: an infinite loop was detected (RFC 5842 7.2).
 *
 * @example
 * throw new LoopDetected()
 */
export class LoopDetected extends HttpServerError {
  constructor(init?: HttpExceptionInit) {
    super(508, init)
  }
}

/**
 * 510: further extensions are required (RFC 2774 7).
 *
 * @example
 * throw new NotExtended()
 */
export class NotExtended extends HttpServerError {
  constructor(init?: HttpExceptionInit) {
    super(510, init)
  }
}

/**
 * 511: the client must authenticate to the network (RFC 6585 6).
 *
 * @example
 * throw new NetworkAuthenticationRequired()
 */
export class NetworkAuthenticationRequired extends HttpServerError {
  constructor(init?: HttpExceptionInit) {
    super(511, init)
  }
}
