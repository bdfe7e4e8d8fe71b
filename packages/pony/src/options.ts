// a path of plain segments (RFC 3986 unreserved characters), no '.' or '..' segment
const PLAIN_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._~-]+)+$/

/** Throws the package's TypeError unless `value` is a plain absolute path like `/pony`. */
export function checkPath(value: unknown): string {
  if (typeof value !== 'string' || !PLAIN_PATH.test(value))
    throw new TypeError(
      `@paste/pony: path must be a path of plain segments such as '/pony', got ${JSON.stringify(value)}`,
    )
  return value
}

/** A small answer with its length, no body on HEAD. */
export function answer(
  request: Request,
  status: number,
  body: string,
  headers: Record<string, string>,
): Response {
  const bytes = new TextEncoder().encode(body)
  return new Response(request.method === 'HEAD' ? null : bytes, {
    status,
    headers: {
      'content-length': String(bytes.byteLength),
      'x-content-type-options': 'nosniff',
      ...headers,
    },
  })
}

/** 405 for anything but GET and HEAD (RFC 9110 section 15.5.6: with Allow). */
export function methodNotAllowed(request: Request): Response {
  return answer(request, 405, 'Method Not Allowed\n', {
    'content-type': 'text/plain; charset=utf-8',
    allow: 'GET, HEAD',
  })
}
