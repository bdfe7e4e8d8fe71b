/**
 * The well-known symbol under which a `Response` may offer the body it was built from (a
 * string, bytes, or `null`) while that body is still untouched. `@paste/httpserver`'s
 * lazy Response implements it; any other runtime's Response simply does not have it.
 */
export const KNOWN_BODY: unique symbol = Symbol.for('@paste/core.knownBody') as never

/**
 * The body a Response still holds as given: a string, bytes, or `null` for no body;
 * `undefined` when it is not known without reading the stream (a native Response, or one
 * whose body was already touched). Lets a filter (gzip, an ETag filter) use the bytes
 * directly instead of building and reading a Web stream.
 *
 * @example
 * const body = knownBody(response)
 * if (typeof body === 'string') return new Response(await compress(body), { headers })
 */
export function knownBody(response: Response): string | Uint8Array | null | undefined {
  const read = (response as unknown as Record<symbol, unknown>)[KNOWN_BODY]
  return typeof read === 'function'
    ? (read as () => string | Uint8Array | null | undefined).call(response)
    : undefined
}
