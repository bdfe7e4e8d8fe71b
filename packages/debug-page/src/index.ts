/*
 * Rewriting the HTML page an app returned, for the middleware that add something to it
 * (debug output, a profile, validation messages). Only pages that can be changed without
 * harm are: HTML with a body, not HEAD, not encoded, no larger than a bound, valid in their
 * charset. Insertion points are found with a real HTML tokenizer (parse5), so a `<body>`
 * inside a comment, a script or an attribute value is never taken for the body.
 */
import { knownBody } from '@paste/core'
import { SAXParser } from 'parse5-sax-parser'

/** Options for {@link rewritePage}. */
export interface RewritePageOptions {
  /** Rewrite any response with a body, whatever its Content-Type. @default false */
  forceContentType?: boolean
  /** Largest body (bytes) read; a larger page streams through unchanged. @default 5242880 */
  maxBodyBytes?: number
}

const NULL_BODY = new Set([101, 103, 204, 205, 304])
const HTML_TYPE = /^\s*(?:text\/html|application\/xhtml\+xml)\s*(?:;|$)/i
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i
// headers that describe the exact bytes of the original body
const BODY_BOUND = ['content-length', 'etag', 'content-md5', 'digest', 'content-digest']

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
 * Whether `response` is a page {@link rewritePage} would change (checked on headers only,
 * without reading the body).
 */
export function isRewritablePage(
  request: Request,
  response: Response,
  options: RewritePageOptions = {},
): boolean {
  const encoding = response.headers.get('content-encoding')
  return (
    request.method !== 'HEAD' &&
    !NULL_BODY.has(response.status) &&
    response.body !== null &&
    (encoding === null || encoding.toLowerCase() === 'identity') &&
    (options.forceContentType === true ||
      HTML_TYPE.test(response.headers.get('content-type') ?? ''))
  )
}

/**
 * Returns the page with its text changed by `edit` (which may be async): a new response with a new
 * Content-Length, no validators of the old bytes (ETag, Content-MD5, Digest), `Cache-Control:
 * no-store`, sent as UTF-8. Anything that is not a rewritable page (see
 * {@link isRewritablePage}), is larger than `maxBodyBytes`, or is not valid in its charset
 * comes back unchanged, byte for byte; then `edit` is not called.
 *
 * @example
 * return rewritePage(request, response, (html) => html.replace('</body>', `${banner}</body>`))
 */
export async function rewritePage(
  request: Request,
  response: Response,
  edit: (html: string) => string | Promise<string>,
  options: RewritePageOptions = {},
): Promise<Response> {
  const max = options.maxBodyBytes ?? 5 * 1024 * 1024
  if (!Number.isSafeInteger(max) || max < 0)
    throw new TypeError('@paste/debug-page: maxBodyBytes must be an integer >= 0')
  if (!isRewritablePage(request, response, options)) return response
  const contentType = response.headers.get('content-type') ?? ''
  const decoder = decoderFor(contentType)
  if (decoder === undefined) return response
  const read = await readBody(response, max)
  if ('unchanged' in read) return read.unchanged
  let html: string
  try {
    html = decoder.decode(read.bytes)
  } catch {
    // not valid in its charset: the original bytes, unchanged
    return new Response(read.bytes, response)
  }
  const body = new TextEncoder().encode(await edit(html))
  const headers = new Headers(response.headers)
  for (const name of BODY_BOUND) headers.delete(name)
  headers.set('content-length', String(body.byteLength))
  // what was added belongs to this one response
  headers.set('cache-control', 'no-store')
  // re-encoded as UTF-8: the header says so (it outranks any <meta charset> in the page)
  if (CHARSET.test(contentType))
    headers.set('content-type', contentType.replace(CHARSET, '; charset=utf-8'))
  return new Response(body, { status: response.status, statusText: response.statusText, headers })
}

/** Where {@link insertionPoint} looks. */
export interface InsertionOptions {
  /** The id of an element whose content receives the insertion when the page has one. */
  placeholderId?: string | undefined
  /** Without a placeholder: just after the `<body>` start tag, or just before `</body>`. */
  at: 'body-start' | 'body-end'
}

/**
 * Where to insert into `html`: right after the start tag of the element with
 * `placeholderId` (`inPlaceholder: true`), else at the body's start or end; a page without
 * the `<body>` tag gets it at the very end, which HTML parsing still puts in the body
 * (before the document would drop it into quirks mode).
 *
 * @example
 * const { offset } = insertionPoint(html, { at: 'body-end' })
 * html = html.slice(0, offset) + report + html.slice(offset)
 */
export function insertionPoint(
  html: string,
  options: InsertionOptions,
): { offset: number; inPlaceholder: boolean } {
  const parser = new SAXParser({ sourceCodeLocationInfo: true })
  let bodyStart: number | undefined
  let bodyEnd: number | undefined
  let placeholder: number | undefined
  const id = options.placeholderId
  parser.on('startTag', (tag) => {
    const end = tag.sourceCodeLocation?.endOffset
    if (end === undefined) return
    if (id !== undefined && tag.attrs.some((a) => a.name === 'id' && a.value === id)) {
      placeholder = end
      parser.stop()
    } else if (tag.tagName === 'body' && bodyStart === undefined) bodyStart = end
  })
  parser.on('endTag', (tag) => {
    if (tag.tagName === 'body' && bodyEnd === undefined)
      bodyEnd = tag.sourceCodeLocation?.startOffset
  })
  parser.end(html)
  if (placeholder !== undefined) return { offset: placeholder, inPlaceholder: true }
  const offset = options.at === 'body-start' ? bodyStart : bodyEnd
  return { offset: offset ?? html.length, inPlaceholder: false }
}
