import * as client from './client.js'
import {
  HttpClientError,
  type HttpException,
  type HttpExceptionOptions,
  HttpRedirection,
  HttpServerError,
} from './exception.js'
import * as redirect from './redirection.js'
import * as server from './server.js'

/**
 * Every option any status class takes, for {@link httpError}.
 *
 * @example
 * throw httpError(303, { location: '/orders/42' })
 */
export interface HttpErrorOptions
  extends HttpExceptionOptions,
    client.UnauthorizedOptions,
    client.MethodNotAllowedOptions,
    client.RetryAfterOptions,
    client.RangeNotSatisfiableOptions {
  /** The target of a 3xx that carries one (required for 300-303, 305, 307, 308). */
  location?: string
}

type MoveClass = new (location: string, init?: HttpExceptionOptions) => redirect.HttpMove
type PlainClass = new (init?: HttpErrorOptions) => HttpException

const MOVES = new Map<number, MoveClass>()
const PLAIN = new Map<number, PlainClass>()
for (const k of Object.values(redirect)) {
  if (k === redirect.HttpMove) continue
  const status = new (k as MoveClass)('/').status
  MOVES.set(status, k as MoveClass)
}
for (const k of [...Object.values(client), ...Object.values(server)]) {
  if (typeof k !== 'function') continue
  const status = new (k as PlainClass)().status
  PLAIN.set(status, k as PlainClass)
}
MOVES.delete(304)
PLAIN.set(304, redirect.NotModified)

/**
 * The class for a status (Paste's `get_exception`), or `undefined` for an unregistered one.
 *
 * @example
 * getException(404) === NotFound // true
 */
export function getException(status: number): MoveClass | PlainClass | undefined {
  return MOVES.get(status) ?? PLAIN.get(status)
}

/**
 * Creates the exception for a status: the named class when there is one, else the group's
 * base class (`HttpClientError` for an unregistered 4xx...). Throws a `TypeError` for a
 * status outside 300-599 or a redirect without `location`.
 *
 * @example
 * throw httpError(404, { detail: 'No such page' })
 * throw httpError(303, { location: '/done' })
 */
export function httpError(status: number, options: HttpErrorOptions = {}): HttpException {
  const { location, ...rest } = options
  const Move = MOVES.get(status)
  if (Move) {
    if (location === undefined)
      throw new TypeError(`@paste/httpexceptions: httpError(${status}) needs a location`)
    return new Move(location, rest)
  }
  const Plain = PLAIN.get(status)
  if (Plain) return new Plain(rest)
  if (status >= 300 && status < 400) return new HttpRedirection(status, rest)
  if (status >= 400 && status < 500) return new HttpClientError(status, rest)
  return new HttpServerError(status, rest)
}
