import { type Context, knownBody, type Middleware } from '@paste/core'
import { insertionPoint, isRewritablePage, rewritePage } from '@paste/debug-page'
import { limit } from './limit.js'
import { type DebugValidateOptions, resolveOptions } from './options.js'
import { renderReport } from './report.js'
import { cleanMessages, ValidatorUnavailable } from './validator.js'

export { type DebugValidateOptions, PLACEHOLDER_ID } from './options.js'
export type { ValidationMessage } from './report.js'
export type { HtmlValidateConfig, PageInfo, Validator } from './validator.js'

/**
 * The response as it came, still to be had after debug-page has read it: from the body it
 * was built from when known, else from a clone (read whole only when wanted: debug-page
 * read the original, so it is in memory already, and no larger than maxBodyBytes).
 */
function keepOriginal(response: Response): { get(): Promise<Response>; drop(): void } {
  const known = knownBody(response)
  if (known !== null && known !== undefined)
    return { get: async () => new Response(known, response), drop() {} }
  const copy = response.clone()
  return {
    async get() {
      const bytes = new Uint8Array(await copy.arrayBuffer())
      const headers = new Headers(copy.headers)
      headers.set('content-length', String(bytes.byteLength))
      return new Response(bytes, { status: copy.status, statusText: copy.statusText, headers })
    },
    drop: () => void copy.body?.cancel().catch(() => {}),
  }
}

function withHeader(response: Response, name: string | false, value: number): Response {
  if (name === false) return response
  const headers = new Headers(response.headers)
  headers.set(name, String(value))
  const { status, statusText } = response
  return new Response(response.body, { status, statusText, headers })
}

/**
 * Validates each HTML page (with html-validate, or `validate`) and, when the validator
 * finds problems, adds a report listing them to the page, escaped. A valid page is sent
 * unchanged, byte for byte. For development: the report shows the page's own source.
 *
 * @example
 * const site = process.env.NODE_ENV === 'development' ? pipe(app, debugValidate()) : app
 */
export function debugValidate(options: DebugValidateOptions = {}): Middleware {
  const resolved = resolveOptions(options)
  const { validate, check, placeholderId, at, countHeader, maxMessages, maxBodyBytes } = resolved
  const slots = limit(resolved.maxConcurrent, resolved.maxWaiting)
  let unavailableLogged = false

  /** The messages found, or `undefined` when the page was not validated (logged). */
  async function validated(html: string, request: Request, type: string, context: Context) {
    const run = slots.run(async () =>
      // a client that left while its page waited gets no validation
      context.signal.aborted ? undefined : validate(html, { request, contentType: type }),
    )
    if (run === undefined) {
      context.logger.warn('@paste/debug-validate: too many pages waiting; one sent unvalidated')
      return undefined
    }
    try {
      const found = await run
      return found === undefined ? undefined : cleanMessages(found)
    } catch (error) {
      if (!(error instanceof ValidatorUnavailable))
        context.logger.error('@paste/debug-validate: the validator failed; page sent unchanged', {
          error,
          path: new URL(request.url).pathname,
        })
      else if (!unavailableLogged) {
        unavailableLogged = true
        context.logger.error(
          '@paste/debug-validate: html-validate could not be loaded; pages are sent unvalidated. Install it (pnpm add -D html-validate) or pass `validate`',
          { error: error.cause },
        )
      }
      return undefined
    }
  }

  /** The page's text with its report, or why it is left as it was. */
  async function edit(html: string, request: Request, type: string, context: Context) {
    const messages = await validated(html, request, type, context)
    if (messages === undefined) return { outcome: 'unvalidated' as const, html }
    if (messages.length === 0) return { outcome: 'valid' as const, html }
    const errors = messages.filter((m) => m.severity === 'error').length
    const { offset } = insertionPoint(html, { placeholderId, at })
    const report = renderReport(html, messages, maxMessages)
    return { outcome: errors, html: html.slice(0, offset) + report + html.slice(offset) }
  }

  return (app) =>
    async function debugValidate(request, context) {
      const response = await app(request, context)
      // not an HTML page with a body (HEAD, 304, compressed...) or not one to check: as it came
      if (!isRewritablePage(request, response) || !check(request, response)) return response
      const type = response.headers.get('content-type') ?? ''
      const original = keepOriginal(response)
      let outcome: number | 'valid' | 'unvalidated' | undefined
      let rewritten: Response
      try {
        rewritten = await rewritePage(
          request,
          response,
          async (html) => {
            const edited = await edit(html, request, type, context)
            outcome = edited.outcome
            return edited.html
          },
          { maxBodyBytes },
        )
      } catch (error) {
        original.drop()
        throw error
      }
      // not validated (validator failed, busy): the original, unchanged
      if (outcome === 'unvalidated') return await original.get()
      // valid: the original bytes, with the count
      if (outcome === 'valid') return withHeader(await original.get(), countHeader, 0)
      original.drop()
      // never read (too large) or not valid in its charset: debug-page sends it as it came
      if (outcome === undefined) return rewritten
      return withHeader(rewritten, countHeader, outcome)
    }
}

export { REPORT_CLASS } from './report.js'
