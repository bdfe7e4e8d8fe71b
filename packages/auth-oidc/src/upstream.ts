/*
 * Talking to the provider: one request with a timeout, no redirects, and a cap on the size
 * of the answer enforced while reading. Every failure becomes an OidcUpstreamError, which
 * the middleware answers with 502 (or 504 for a timeout).
 */

/**
 * The provider could not be asked, or answered something unusable.
 *
 * @example
 * if (error instanceof OidcUpstreamError && error.timedOut) retryLater()
 */
export class OidcUpstreamError extends Error {
  override readonly name = 'OidcUpstreamError'
  /** True when the provider did not answer in time (answered 504). */
  readonly timedOut: boolean
  constructor(message: string, options: { cause?: unknown; timedOut?: boolean } = {}) {
    super(message, { cause: options.cause })
    this.timedOut = options.timedOut ?? false
  }
}

/** How to reach the provider. */
export interface UpstreamOptions {
  fetch: typeof globalThis.fetch
  timeout: number
  /** Aborts with the client's request. */
  signal?: AbortSignal
}

/** The largest JSON answer read from the provider (discovery, token, JWKS). */
export const MAX_JSON_BYTES = 256 * 1024

/**
 * Sends a request to the provider and returns its status and JSON body (an object), or
 * throws {@link OidcUpstreamError}.
 *
 * @example
 * const { status, body } = await fetchJson(url, {}, { fetch, timeout: 5000 })
 */
export async function fetchJson(
  url: string,
  init: RequestInit,
  options: UpstreamOptions,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const timeout = AbortSignal.timeout(options.timeout)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  let response: Response
  try {
    response = await options.fetch(url, {
      ...init,
      signal,
      redirect: 'error',
      headers: { accept: 'application/json', ...(init.headers as Record<string, string>) },
    })
  } catch (error) {
    throw new OidcUpstreamError(timeout.aborted ? 'timed out' : 'unreachable', {
      cause: error,
      timedOut: timeout.aborted,
    })
  }
  const text = await readCapped(response, timeout)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw new OidcUpstreamError(`answered ${response.status} without JSON`, { cause: error })
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new OidcUpstreamError(`answered ${response.status} with JSON that is not an object`)
  return { status: response.status, body: body as Record<string, unknown> }
}

async function readCapped(response: Response, timeout: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > MAX_JSON_BYTES || !response.body) {
    await response.body?.cancel().catch(() => {})
    if (declared > MAX_JSON_BYTES) throw new OidcUpstreamError('answer too large')
    return ''
  }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > MAX_JSON_BYTES) throw new OidcUpstreamError('answer too large')
      chunks.push(value)
    }
    const bytes = new Uint8Array(size)
    let offset = 0
    for (const chunk of chunks) {
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (error) {
    await reader.cancel().catch(() => {})
    if (error instanceof OidcUpstreamError) throw error
    throw new OidcUpstreamError(timeout.aborted ? 'timed out' : 'read failed', {
      cause: error,
      timedOut: timeout.aborted,
    })
  }
}
