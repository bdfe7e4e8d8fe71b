import { escapeHtml, type Middleware } from '@paste/core'
import { insertionPoint, isRewritablePage, rewritePage } from '@paste/debug-page'
import { COWBELL_JS, COWBELL_SVG } from './assets.js'
import { answer, checkPath, methodNotAllowed } from './options.js'

/** Options for {@link cowbell}. */
export interface CowbellOptions {
  /** The reserved path, inside the mount point, its image and script are served under. @default '/.cowbell' */
  path?: string
  /** Largest page (bytes) given its cowbell; a larger one is sent unchanged. @default 5242880 */
  maxBodyBytes?: number
}

const ASSETS: Record<string, { body: string; type: string; csp?: string }> = {
  '/cowbell.svg': {
    body: COWBELL_SVG,
    type: 'image/svg+xml; charset=utf-8',
    // opened on its own, the image can run nothing
    csp: "default-src 'none'; style-src 'unsafe-inline'",
  },
  '/cowbell.js': { body: COWBELL_JS, type: 'text/javascript; charset=utf-8' },
}

const HTML_TYPE = /^\s*(?:text\/html|application\/xhtml\+xml)\s*(?:;|$)/i

/** One of the assets, or 404 for any other name under the reserved path. */
function serveAsset(request: Request, name: string): Response {
  if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(request)
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined
  if (asset === undefined)
    return answer(request, 404, 'Not Found\n', { 'content-type': 'text/plain; charset=utf-8' })
  const headers: Record<string, string> = {
    'content-type': asset.type,
    'cache-control': 'public, max-age=86400',
  }
  if (asset.csp !== undefined) headers['content-security-policy'] = asset.csp
  return answer(request, 200, asset.body, headers)
}

/**
 * HEAD of a page its GET would rewrite: the length is not the GET's any more, so it goes
 * (RFC 9110 section 9.3.2 lets a HEAD answer leave it out).
 */
function headOfPage(request: Request, response: Response): Response {
  if (request.method !== 'HEAD' || !response.headers.has('content-length')) return response
  const encoding = response.headers.get('content-encoding')
  if (encoding !== null && encoding.toLowerCase() !== 'identity') return response
  if (!HTML_TYPE.test(response.headers.get('content-type') ?? '')) return response
  if (response.status < 200 || [204, 205, 304].includes(response.status)) return response
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  const { status, statusText } = response
  return new Response(response.body, { status, statusText, headers })
}

/**
 * More cowbell: adds a script to each HTML page that shows a cowbell now and then, and
 * serves that script and its image under a reserved path (`/.cowbell`). Pages that are not
 * HTML, compressed, too large or not valid in their charset pass through unchanged
 * (`@paste/debug-page` decides).
 *
 * @example
 * const site = pipe(app, cowbell())
 */
export function cowbell(options: CowbellOptions = {}): Middleware {
  const path = checkPath(options.path ?? '/.cowbell')
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0)
    throw new TypeError('@paste/pony: maxBodyBytes must be an integer >= 0')
  return (app) =>
    async function cowbell(request, context) {
      const { pathInfo } = context
      // the reserved path is ours: the app below never sees it
      if (pathInfo === path || pathInfo.startsWith(`${path}/`))
        return serveAsset(request, pathInfo.slice(path.length))
      const response = await app(request, context)
      if (!isRewritablePage(request, response)) return headOfPage(request, response)
      // XML-safe markup, so an XHTML page stays well formed
      const src = escapeHtml(`${context.scriptName}${path}/cowbell.js`)
      const tag = `<script src="${src}" defer="defer"></script>`
      return rewritePage(
        request,
        response,
        (html) => {
          if (html.includes(tag)) return html // already rung (cowbell twice in a pipe)
          const { offset } = insertionPoint(html, { at: 'body-end' })
          return html.slice(0, offset) + tag + html.slice(offset)
        },
        { maxBodyBytes },
      )
    }
}
