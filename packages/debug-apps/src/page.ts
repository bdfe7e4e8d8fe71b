/** An HTML answer with its length, no body on HEAD, and never cached. */
export function htmlResponse(request: Request, html: string, status = 200): Response {
  const body = new TextEncoder().encode(html)
  return new Response(request.method === 'HEAD' ? null : body, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(body.byteLength),
      'cache-control': 'no-store',
    },
  })
}

/** A short plain-text answer (errors), with its length, no body on HEAD. */
export function textResponse(
  request: Request,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): Response {
  const body = new TextEncoder().encode(`${text}\n`)
  return new Response(request.method === 'HEAD' ? null : body, {
    status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(body.byteLength),
      'cache-control': 'no-store',
      ...headers,
    },
  })
}

/** Throws the package's TypeError unless `value` is an integer >= `min`. */
export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min)
    throw new TypeError(`@paste/debug-apps: ${name} must be an integer >= ${min}`)
}
