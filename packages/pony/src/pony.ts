import { escapeHtml, type Middleware } from '@paste/core'
import { PONY, UNICORN } from './art.js'
import { answer, checkPath, methodNotAllowed } from './options.js'

/** Options for {@link pony}. */
export interface PonyOptions {
  /** The path, inside the mount point, that shows the pony. @default '/pony' */
  path?: string
}

function page(title: string, art: string, href: string, link: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title></head>
<body><pre>${escapeHtml(art)}
<a href="${escapeHtml(href)}">${link}</a></pre></body></html>
`
}

/**
 * Adds pony power to an App: `GET /pony` answers an ASCII-art pony, `GET /pony?horn` a
 * unicorn, each linking to the other; every other request passes through untouched.
 *
 * @example
 * const site = pipe(app, pony())
 */
export function pony(options: PonyOptions = {}): Middleware {
  const path = checkPath(options.path ?? '/pony')
  return (app) =>
    function pony(request, context) {
      // not the pony's path (exactly): the app's business
      if (context.pathInfo !== path) return app(request, context)
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(request)
      // a relative link that follows the mount point; the path is already percent-encoded
      const here = context.scriptName + context.pathInfo
      const horn = new URLSearchParams(context.search).has('horn')
      const html = horn
        ? page('A unicorn', UNICORN, here, 'Take the horn off')
        : page('A pony', PONY, `${here}?horn`, 'Give it a horn')
      return answer(request, 200, html, { 'content-type': 'text/html; charset=utf-8' })
    }
}
