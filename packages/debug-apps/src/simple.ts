import type { App } from '@paste/core'
import { escapeHtml } from '@paste/core'
import { htmlResponse } from './page.js'

/** Options for {@link simpleApp}. */
export interface SimpleAppOptions {
  /** The text of the page (HTML-escaped). @default 'simple' */
  text?: string
}

/**
 * A tiny App that answers every request, whatever its method or path, with the same small
 * HTML page (`<html><body>simple</body></html>`): a stand-in application for tests and
 * demos. HEAD gets the headers alone; a request body is never read.
 *
 * @example
 * const server = await serve(pipe(simpleApp(), gzip()), { port: 0 })
 */
export function simpleApp(options: SimpleAppOptions = {}): App {
  const text = options.text ?? 'simple'
  if (typeof text !== 'string') throw new TypeError('@paste/debug-apps: text must be a string')
  const page = `<html><body>${escapeHtml(text)}</body></html>`
  return function simpleApp(request) {
    return htmlResponse(request, page)
  }
}
