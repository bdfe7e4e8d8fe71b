/* Small pieces every app here (and @paste/urlparser) shares: refusals, freshness, the root guard. */
import { realpathSync } from 'node:fs'
import { insideOf } from './resolve.js'

const ALLOW = 'GET, HEAD'

/**
 * 405 for anything but GET and HEAD (RFC 9110 section 15.5.6: with Allow).
 *
 * @example
 * if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed()
 */
export function methodNotAllowed(): Response {
  return new Response('Method Not Allowed\n', {
    status: 405,
    headers: { allow: ALLOW, 'content-type': 'text/plain; charset=utf-8' },
  })
}

/**
 * A plain client error carrying nothing of the request (no path, no URL). Given the request,
 * a HEAD gets the same headers and no body (RFC 9110 section 9.3.2).
 *
 * @example
 * if (!target.ok) return clientError(target.status, request)
 */
export function clientError(status: 400 | 403 | 404, request?: Request): Response {
  const text = status === 400 ? 'Bad Request' : status === 403 ? 'Forbidden' : 'Not Found'
  return new Response(request?.method === 'HEAD' ? null : `${text}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })
}

/**
 * Whether the client asked caches to revalidate (`no-cache`, `max-age=0`): re-stat the file.
 *
 * @example
 * const meta = await files.stat(path, wantsFresh(request))
 */
export function wantsFresh(request: Request): boolean {
  const cc = request.headers.get('cache-control')
  return cc !== null && /(?:^|,)\s*(?:no-cache|max-age=0)\s*(?:,|$)/i.test(cc)
}

/**
 * Checks a real path against the root's real path (or accepts all when links may leave it).
 * Throws a TypeError when the root does not exist.
 *
 * @example
 * const allowed = rootGuard('/srv/static', false)
 * allowed('/srv/static-secret/key') // false
 */
export function rootGuard(
  root: string,
  followSymlinks: boolean,
  pkg = '@paste/fileapp',
): (real: string | undefined) => boolean {
  let realRoot: string
  try {
    realRoot = realpathSync(root)
  } catch {
    throw new TypeError(`${pkg}: root ${JSON.stringify(root)} does not exist`)
  }
  if (followSymlinks) return () => true
  const inside = insideOf(realRoot)
  return (real) => real !== undefined && inside(real)
}
