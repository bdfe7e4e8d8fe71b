import { HttpClientError, type HttpExceptionInit, type HttpExceptionOptions } from './exception.js'
import { appendChallenges, setAllow, setRetryAfter, withHeaders } from './headers.js'

/**
 * 400: the request is malformed (RFC 9110 15.5.1).
 *
 * @example
 * throw new BadRequest('The id must be a number')
 */
export class BadRequest extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(400, init)
  }
}

/**
 * Options of {@link Unauthorized} and {@link ProxyAuthenticationRequired}.
 *
 * @example
 * throw new Unauthorized({ challenge: ['Basic realm="a"', 'Bearer realm="a"'] })
 */
export interface UnauthorizedOptions extends HttpExceptionOptions {
  /** Challenge(s) (RFC 9110 11.6.1), one field line each. */
  challenge?: string | readonly string[]
}

/**
 * 401: credentials are missing or wrong (RFC 9110 15.5.2). RFC 9110 requires a
 * `WWW-Authenticate` challenge: pass `challenge`.
 *
 * @example
 * throw new Unauthorized({ challenge: 'Basic realm="admin", charset="UTF-8"' })
 */
export class Unauthorized extends HttpClientError {
  constructor(init?: string | UnauthorizedOptions) {
    const challenge = typeof init === 'object' ? init.challenge : undefined
    super(
      401,
      withHeaders(init, (h) => appendChallenges(h, 'www-authenticate', challenge)),
    )
  }
}

/**
 * 402: reserved for payment schemes (RFC 9110 15.5.3).
 *
 * @example
 * throw new PaymentRequired()
 */
export class PaymentRequired extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(402, init)
  }
}

/**
 * 403: the server refuses to authorize the request (RFC 9110 15.5.4).
 *
 * @example
 * throw new Forbidden('Admins only')
 */
export class Forbidden extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(403, init)
  }
}

/**
 * 404: no current representation for the target (RFC 9110 15.5.5).
 *
 * @example
 * throw new NotFound({ detail: 'No such user' })
 */
export class NotFound extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(404, init)
  }
}

/**
 * Options of {@link MethodNotAllowed}.
 *
 * @example
 * throw new MethodNotAllowed({ allow: ['GET', 'HEAD'] })
 */
export interface MethodNotAllowedOptions extends HttpExceptionOptions {
  /** The methods the resource supports, sent as `Allow` (RFC 9110 10.2.1). */
  allow?: string | readonly string[]
}

/**
 * 405: the method is not supported by the resource (RFC 9110 15.5.6); names the method and
 * sends `Allow` (which RFC 9110 requires: pass `allow`).
 *
 * @example
 * throw new MethodNotAllowed({ allow: ['GET', 'HEAD'] })
 */
export class MethodNotAllowed extends HttpClientError {
  constructor(init?: string | MethodNotAllowedOptions) {
    const allow = typeof init === 'object' ? init.allow : undefined
    super(
      405,
      withHeaders(init, (h) => setAllow(h, allow)),
    )
  }

  protected override explain(request: Request): string {
    return `The method ${request.method} is not allowed for this resource.`
  }
}

/**
 * 406: no representation matches the Accept headers (RFC 9110 15.5.7).
 *
 * @example
 * throw new NotAcceptable()
 */
export class NotAcceptable extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(406, init)
  }
}

/**
 * 407: the client must authenticate with the proxy (RFC 9110 15.5.8); `challenge` becomes
 * `Proxy-Authenticate`.
 *
 * @example
 * throw new ProxyAuthenticationRequired({ challenge: 'Basic realm="proxy"' })
 */
export class ProxyAuthenticationRequired extends HttpClientError {
  constructor(init?: string | UnauthorizedOptions) {
    const challenge = typeof init === 'object' ? init.challenge : undefined
    super(
      407,
      withHeaders(init, (h) => appendChallenges(h, 'proxy-authenticate', challenge)),
    )
  }
}

/**
 * 408: the request took too long to arrive (RFC 9110 15.5.9).
 *
 * @example
 * throw new RequestTimeout()
 */
export class RequestTimeout extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(408, init)
  }
}

/**
 * 409: the request conflicts with the resource state (RFC 9110 15.5.10).
 *
 * @example
 * throw new Conflict('The name is taken')
 */
export class Conflict extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(409, init)
  }
}

/**
 * 410: the resource is gone for good (RFC 9110 15.5.11).
 *
 * @example
 * throw new Gone()
 */
export class Gone extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(410, init)
  }
}

/**
 * 411: a Content-Length is needed (RFC 9110 15.5.12).
 *
 * @example
 * throw new LengthRequired()
 */
export class LengthRequired extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(411, init)
  }
}

/**
 * 412: a conditional header evaluated to false (RFC 9110 15.5.13).
 *
 * @example
 * throw new PreconditionFailed()
 */
export class PreconditionFailed extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(412, init)
  }
}

/**
 * 413: "Content Too Large": the body exceeds a limit (RFC 9110 15.5.14).
 *
 * @example
 * throw new PayloadTooLarge('The limit is 1 MiB')
 */
export class PayloadTooLarge extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(413, init)
  }
}

/**
 * 414: the target URI is too long (RFC 9110 15.5.15).
 *
 * @example
 * throw new UriTooLong()
 */
export class UriTooLong extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(414, init)
  }
}

/**
 * 415: the media type of the body is not supported (RFC 9110 15.5.16).
 *
 * @example
 * throw new UnsupportedMediaType('Send application/json')
 */
export class UnsupportedMediaType extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(415, init)
  }
}

/**
 * Options of {@link RangeNotSatisfiable}.
 *
 * @example
 * throw new RangeNotSatisfiable({ size: 1024 })
 */
export interface RangeNotSatisfiableOptions extends HttpExceptionOptions {
  /** The representation's length, sent as `Content-Range: bytes *\/size` (RFC 9110 14.4). */
  size?: number
}

/**
 * 416: no requested range overlaps the representation (RFC 9110 15.5.17).
 *
 * @example
 * throw new RangeNotSatisfiable({ size: 1024 })
 */
export class RangeNotSatisfiable extends HttpClientError {
  constructor(init?: string | RangeNotSatisfiableOptions) {
    const size = typeof init === 'object' ? init.size : undefined
    if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0))
      throw new TypeError('@paste/httpexceptions: size must be a non-negative integer')
    super(
      416,
      withHeaders(init, (h) => {
        if (size !== undefined) h.set('content-range', `bytes */${size}`)
      }),
    )
  }
}

/**
 * 417: the Expect header cannot be met (RFC 9110 15.5.18).
 *
 * @example
 * throw new ExpectationFailed()
 */
export class ExpectationFailed extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(417, init)
  }
}

/**
 * 421: this server does not answer for the origin (RFC 9110 15.5.20).
 *
 * @example
 * throw new MisdirectedRequest()
 */
export class MisdirectedRequest extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(421, init)
  }
}

/**
 * 422: well formed but semantically wrong content (RFC 9110 15.5.21).
 *
 * @example
 * throw new UnprocessableContent('The date is in the past')
 */
export class UnprocessableContent extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(422, init)
  }
}

/**
 * 423: the resource is locked (RFC 4918 11.3).
 *
 * @example
 * throw new Locked()
 */
export class Locked extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(423, init)
  }
}

/**
 * 424: a request this one depends on failed (RFC 4918 11.4).
 *
 * @example
 * throw new FailedDependency()
 */
export class FailedDependency extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(424, init)
  }
}

/**
 * 425: the request might be replayed early data (RFC 8470 5.2).
 *
 * @example
 * throw new TooEarly()
 */
export class TooEarly extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(425, init)
  }
}

/**
 * 426: the client must switch protocols; pass `Upgrade` in headers (RFC 9110 15.5.22).
 *
 * @example
 * throw new UpgradeRequired({ headers: { upgrade: 'HTTP/2' } })
 */
export class UpgradeRequired extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(426, init)
  }
}

/**
 * 428: the request must be conditional (RFC 6585 3).
 *
 * @example
 * throw new PreconditionRequired()
 */
export class PreconditionRequired extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(428, init)
  }
}

/**
 * Options of {@link TooManyRequests} and `ServiceUnavailable`.
 *
 * @example
 * throw new TooManyRequests({ retryAfter: 60 })
 */
export interface RetryAfterOptions extends HttpExceptionOptions {
  /** Seconds to wait, or the date to retry at, sent as `Retry-After` (RFC 9110 10.2.3). */
  retryAfter?: number | Date
}

/**
 * 429: rate limit exceeded (RFC 6585 4); `retryAfter` becomes `Retry-After`.
 *
 * @example
 * throw new TooManyRequests({ retryAfter: 60 })
 */
export class TooManyRequests extends HttpClientError {
  constructor(init?: string | RetryAfterOptions) {
    const retryAfter = typeof init === 'object' ? init.retryAfter : undefined
    super(
      429,
      withHeaders(init, (h) => setRetryAfter(h, retryAfter)),
    )
  }
}

/**
 * 431: header fields too large (RFC 6585 5).
 *
 * @example
 * throw new RequestHeaderFieldsTooLarge()
 */
export class RequestHeaderFieldsTooLarge extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(431, init)
  }
}

/**
 * 451: unavailable for legal reasons (RFC 7725 3).
 *
 * @example
 * throw new UnavailableForLegalReasons()
 */
export class UnavailableForLegalReasons extends HttpClientError {
  constructor(init?: HttpExceptionInit) {
    super(451, init)
  }
}
