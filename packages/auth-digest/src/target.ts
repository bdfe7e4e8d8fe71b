/* What the credentials are checked against in the request: its target and its body. */
import { type DigestHash, digestHash } from './compute.js'

/** Tells whether the `uri` parameter names exactly the request target (RFC 7616 3.4). */
export function uriMatches(uri: string, requestUrl: URL): boolean {
  let parsed: URL
  try {
    // origin-form is resolved against the request's origin; absolute-form stands alone
    parsed = uri.startsWith('/') ? new URL(uri, requestUrl.origin) : new URL(uri)
  } catch {
    return false
  }
  if (!uri.startsWith('/') && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(uri)) return false
  return (
    parsed.origin === requestUrl.origin &&
    parsed.pathname === requestUrl.pathname &&
    parsed.search === requestUrl.search &&
    parsed.hash === ''
  )
}

/** H(entity-body) for qop=auth-int, or `undefined` if the body exceeds `limit` bytes. */
export async function bodyHash(
  request: Request,
  hash: DigestHash,
  limit: number,
): Promise<string | undefined> {
  if (!request.body) return digestHash(hash, '')
  const reader = request.clone().body!.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > limit) {
      await reader.cancel()
      return undefined
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) body.set(chunk, (offset += chunk.length) - chunk.length)
  return digestHash(hash, body)
}
