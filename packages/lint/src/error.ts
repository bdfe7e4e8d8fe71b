/**
 * The rules `@paste/lint` checks. Each violation names one of them, so a failing test says
 * which part of the App contract (or of HTTP) was broken.
 *
 * | rule | what it checks |
 * |---|---|
 * | `context` | the context's invariants: scheme, host, scriptName / pathInfo / search shape, normalised path |
 * | `context-url` | scriptName + pathInfo + search agree with `request.url` |
 * | `request-body-read-twice` | the app read the request body (or cloned the request) after it was already consumed |
 * | `response-type` | the app returned (a promise of) a real `Response`, whose body was not already used |
 * | `status` | the status is 200-599 and not a network error (`Response.error()`) |
 * | `header-name` | header names are tokens (RFC 9110 5.1); no CGI `Status` header |
 * | `header-value` | header values hold no control characters: no CR, LF, NUL (RFC 9110 5.5) |
 * | `hop-by-hop-header` | no connection-specific headers (RFC 9110 7.6.1): the server owns those |
 * | `set-cookie` | each Set-Cookie is one cookie (not folded with a comma) with a valid name and value (RFC 6265 4.1.1) |
 * | `body-forbidden` | no body on a HEAD response or a 204/205/304 (RFC 9110 9.3.2, 15.3.5, 15.4.5) |
 * | `content-type` | a response with content has a well-formed Content-Type; a 204 has none |
 * | `content-length` | Content-Length is one decimal number equal to the body's length, and absent from a 204 (RFC 9110 8.6) |
 * | `location` | redirects carry a Location; a Location is a valid URI-reference (RFC 9110 10.2.2) |
 * | `etag` | an ETag is a quoted entity-tag, optionally weak (RFC 9110 8.8.3) |
 * | `body-chunk` | the body stream yields `Uint8Array` chunks only |
 * | `body-abandoned` | an inner response body was read to its end or cancelled, never dropped half-read |
 */
export type LintRule =
  | 'context'
  | 'context-url'
  | 'request-body-read-twice'
  | 'response-type'
  | 'status'
  | 'header-name'
  | 'header-value'
  | 'hop-by-hop-header'
  | 'set-cookie'
  | 'body-forbidden'
  | 'content-type'
  | 'content-length'
  | 'location'
  | 'etag'
  | 'body-chunk'
  | 'body-abandoned'

/**
 * Every rule, in the order the table above lists them.
 *
 * @example
 * lint({ ignore: LINT_RULES.filter((rule) => rule.startsWith('context')) })
 */
export const LINT_RULES: readonly LintRule[] = Object.freeze([
  'context',
  'context-url',
  'request-body-read-twice',
  'response-type',
  'status',
  'header-name',
  'header-value',
  'hop-by-hop-header',
  'set-cookie',
  'body-forbidden',
  'content-type',
  'content-length',
  'location',
  'etag',
  'body-chunk',
  'body-abandoned',
])

/**
 * A broken rule of the App contract. A plain `Error` subclass, deliberately not an HTTP
 * error: it must fail the test (or reach the logs as a 500), never be rendered as a 4xx.
 *
 * @example
 * try { await app(request, context) } catch (error) {
 *   if (error instanceof LintError) console.log(error.rule) // 'content-length'
 * }
 */
export class LintError extends Error {
  override readonly name = 'LintError'
  /** The rule that was broken. */
  readonly rule: LintRule

  constructor(rule: LintRule, message: string, options?: { cause?: unknown }) {
    super(`@paste/lint [${rule}]: ${message}`, options)
    this.rule = rule
  }
}
