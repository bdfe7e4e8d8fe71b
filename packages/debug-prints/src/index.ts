import { type Context, createKey, type Middleware } from '@paste/core'
import { rewritePage } from '@paste/debug-page'
import { type Capture, capturedText, capturing, flush, install, newCapture } from './capture.js'
import { addOutput } from './html.js'

export { PLACEHOLDER_ID } from './html.js'

/** Options for {@link debugPrints}. */
export interface DebugPrintsOptions {
  /** Add the output to every response with a body, whatever its Content-Type (Paste's `force_content_type`). @default false */
  forceContentType?: boolean
  /**
   * Also write the output to the real stdout/stderr as it happens (Paste's
   * `print_wsgi_errors`). With `false` it goes only into the page; output of a request that
   * gets no page (not HTML, an error, too large) is written to the console afterwards.
   * @default true
   */
  passThrough?: boolean
  /** Most characters of output shown per request; the rest goes to the console. @default 65536 */
  maxOutputChars?: number
  /** Largest HTML body (bytes) the output is added to; larger pages pass unchanged. @default 5242880 */
  maxBodyBytes?: number
}

/** What an app below the middleware can do with its request's capture. */
export interface PrintControl {
  /** Calls `listener` with the text of every later write of this request (Paste's `paste.printdebug_listeners`). */
  listen(listener: (text: string) => void): void
  /** Leaves this request's page unchanged (Paste's `paste.remove_printdebug`). */
  skip(): void
}

const printsKey = createKey<PrintControl>('@paste/debug-prints')

/**
 * The {@link PrintControl} of the current request, or `undefined` without the middleware.
 *
 * @example
 * printControl(context)?.skip()
 */
export function printControl(context: Context): PrintControl | undefined {
  return context.get(printsKey)
}

function fail(message: string): never {
  throw new TypeError(`@paste/debug-prints: ${message}`)
}

function count(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback
  if (!Number.isSafeInteger(n) || n < 0) fail(`${name} must be an integer >= 0`)
  return n
}

/**
 * Shows what each request printed (console.*, process.stdout/stderr writes, by anything it
 * awaits or starts) in the HTML page it returns: in `<pre id="paste-debug-prints">` if the
 * page has one, else in a box at the top of the body. Concurrent requests never see each
 * other's output. For development only: the page shows whatever the server printed.
 *
 * @example
 * const site = pipe(app, debugPrints())
 */
export function debugPrints(options: DebugPrintsOptions = {}): Middleware {
  const forceContentType = options.forceContentType ?? false
  const passThrough = options.passThrough ?? true
  const maxOutputChars = count('maxOutputChars', options.maxOutputChars, 65_536)
  const maxBodyBytes = count('maxBodyBytes', options.maxBodyBytes, 5 * 1024 * 1024)
  install()

  function withOutput(
    request: Request,
    response: Response,
    capture: Capture,
    skipped: boolean,
  ): Response | Promise<Response> {
    if (skipped || (capture.kept === 0 && capture.dropped === 0)) return response
    return rewritePage(
      request,
      response,
      (html) => {
        const page = addOutput(html, capturedText(capture))
        capture.chunks.length = 0 // shown: nothing left to flush
        return page
      },
      { forceContentType, maxBodyBytes },
    )
  }

  return (app) =>
    async function debugPrints(request, context) {
      const capture = newCapture(maxOutputChars, passThrough)
      let skipped = false
      const control: PrintControl = {
        listen: (listener) => {
          if (typeof listener !== 'function') fail('listen() takes a function')
          capture.listeners.push(listener)
        },
        skip: () => {
          skipped = true
        },
      }
      const inner = context.with(printsKey, control)
      try {
        const response = await capturing(capture, () => app(request, inner))
        // a body the app still produces as it is read prints into this request too
        return await capturing(capture, () => withOutput(request, response, capture, skipped))
      } finally {
        // whatever the page did not show goes to the console (passThrough: false)
        flush(capture)
      }
    }
}
