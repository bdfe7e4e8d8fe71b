/*
 * Talking to the CAS server: one GET with a timeout, no redirects, and a cap on the size of
 * the answer enforced while reading (a hostile or broken server cannot make us buffer
 * without bound). Every failure becomes a CasUpstreamError, answered with 502.
 */

/**
 * The CAS server could not be asked, or answered something unusable.
 *
 * @example
 * try { await casKey.proxyTicket(target) } catch (e) { if (e instanceof CasUpstreamError) retryLater() }
 */
export class CasUpstreamError extends Error {
  override readonly name = 'CasUpstreamError'
}

/** How to reach the CAS server. */
export interface UpstreamOptions {
  fetch: typeof globalThis.fetch
  timeout: number
  maxBytes: number
  /** Aborts with the client's request. */
  signal?: AbortSignal
}

/**
 * GETs `url` and returns its body as text, or throws {@link CasUpstreamError}.
 *
 * @example
 * const text = await getCapped(url, { fetch, timeout: 5000, maxBytes: 65536 })
 */
export async function getCapped(url: string, options: UpstreamOptions): Promise<string> {
  const timeout = AbortSignal.timeout(options.timeout)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  let response: Response
  try {
    response = await options.fetch(url, {
      signal,
      redirect: 'error',
      headers: { accept: 'application/xml, text/xml, text/plain' },
    })
  } catch (error) {
    throw new CasUpstreamError(timeout.aborted ? 'timed out' : 'unreachable', { cause: error })
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {})
    throw new CasUpstreamError(`answered ${response.status}`)
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > options.maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw new CasUpstreamError('answer too large')
  }
  return readCapped(response, options.maxBytes, timeout)
}

async function readCapped(
  response: Response,
  maxBytes: number,
  timeout: AbortSignal,
): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) throw new CasUpstreamError('answer too large')
      chunks.push(value)
    }
  } catch (error) {
    await reader.cancel().catch(() => {})
    if (error instanceof CasUpstreamError) throw error
    throw new CasUpstreamError(timeout.aborted ? 'timed out' : 'read failed', { cause: error })
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (error) {
    throw new CasUpstreamError('answer is not UTF-8', { cause: error })
  }
}
