import { type Context, createKey, knownBody, type Middleware } from '@paste/core'
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

const NULL_BODY = new Set([101, 103, 204, 205, 304])
const HTML_TYPE = /^\s*(?:text\/html|application\/xhtml\+xml)\s*(?:;|$)/i
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i
// headers that describe the exact bytes of the original body
const BODY_BOUND = ['content-length', 'etag', 'content-md5', 'digest', 'content-digest']

function fail(message: string): never {
  throw new TypeError(`@paste/debug-prints: ${message}`)
}

function count(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback
  if (!Number.isSafeInteger(n) || n < 0) fail(`${name} must be an integer >= 0`)
  return n
}

/**
 * The body's bytes when it has at most `max`. A larger body comes back as a response that
 * sends it unchanged (what was read, then the rest of the stream).
 */
async function readBody(
  response: Response,
  max: number,
): Promise<{ bytes: Uint8Array } | { unchanged: Response }> {
  const declared = response.headers.get('content-length')
  if (declared !== null && Number(declared) > max) return { unchanged: response }
  const known = knownBody(response)
  if (known !== null && known !== undefined) {
    const bytes = typeof known === 'string' ? new TextEncoder().encode(known) : known
    return bytes.byteLength > max ? { unchanged: response } : { bytes }
  }
  const reader = response.body!.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.byteLength
    if (size > max) {
      const rest = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk)
        },
        async pull(controller) {
          const next = await reader.read()
          if (next.done) controller.close()
          else controller.enqueue(next.value)
        },
        cancel: (reason) => reader.cancel(reason),
      })
      return { unchanged: new Response(rest, response) }
    }
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return { bytes }
}

function decoderFor(contentType: string): InstanceType<typeof TextDecoder> | undefined {
  const label = CHARSET.exec(contentType)?.[1] ?? 'utf-8'
  try {
    return new TextDecoder(label, { fatal: true })
  } catch {
    return undefined // a charset this runtime cannot decode: leave the page alone
  }
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

  async function withOutput(
    request: Request,
    response: Response,
    capture: Capture,
    skipped: boolean,
  ): Promise<Response> {
    const contentType = response.headers.get('content-type') ?? ''
    const encoding = response.headers.get('content-encoding')
    if (
      skipped ||
      (capture.kept === 0 && capture.dropped === 0) ||
      request.method === 'HEAD' ||
      NULL_BODY.has(response.status) ||
      response.body === null ||
      (encoding !== null && encoding.toLowerCase() !== 'identity') ||
      !(forceContentType || HTML_TYPE.test(contentType))
    )
      return response
    const decoder = decoderFor(contentType)
    if (decoder === undefined) return response
    const read = await readBody(response, maxBodyBytes)
    if ('unchanged' in read) return read.unchanged
    const bytes = read.bytes
    let html: string
    try {
      html = decoder.decode(bytes)
    } catch {
      // not valid in its charset: the original bytes, unchanged
      return new Response(bytes, response)
    }
    const body = new TextEncoder().encode(addOutput(html, capturedText(capture)))
    const headers = new Headers(response.headers)
    for (const name of BODY_BOUND) headers.delete(name)
    headers.set('content-length', String(body.byteLength))
    // this request's output: never worth caching
    headers.set('cache-control', 'no-store')
    // re-encoded as UTF-8: the header says so (it outranks any <meta charset> in the page)
    if (contentType !== '' && CHARSET.test(contentType))
      headers.set('content-type', contentType.replace(CHARSET, '; charset=utf-8'))
    capture.chunks.length = 0 // shown: nothing left to flush
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    })
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
