/*
 * From a parsed CGI head to what the client gets (RFC 3875 section 6.2):
 *
 *   local-redir-response   Location: /local-path?query   and no Status (or 200)
 *                          -> the server re-runs the request on that path (6.2.2)
 *   client-redir-response  Location: absolute-URI          -> 302 unless Status says (6.2.3, 6.2.4)
 *   document-response      Content-Type, Status, others    -> that status, default 200 (6.2.1)
 */

import { type CgiHead, CgiOutputError } from './head.js'
import type { CgiProcess } from './process.js'

/** What to answer. */
export type Plan =
  | { kind: 'local'; target: string }
  | {
      kind: 'document'
      status: number
      statusText: string
      headers: Headers
      length: number | undefined
    }

// Connection-level fields belong to the server's own connection, never to the script.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
])
// local-pathquery = abs-path [ "?" query-string ]: no fragment; "//x" would be a network-path reference
const LOCAL = /^\/(?!\/)[\x21\x22\x24-\x7e]*$/
// A URI reference has no spaces or controls (RFC 3986 section 2)
const URI_REFERENCE = /^[\x21-\x7e]+$/

/**
 * Decides how a head is answered. Throws {@link CgiOutputError} for a Location that is not
 * a URI reference or a Content-Length that is not a number.
 *
 * @example
 * planResponse({ location: '/other', fields: [] }) // { kind: 'local', target: '/other' }
 */
export function planResponse(head: CgiHead): Plan {
  const { location, status } = head
  if (location !== undefined) {
    if (!URI_REFERENCE.test(location))
      throw new CgiOutputError('a Location that is not a URI reference')
    // RFC 3875 6.2.2: a local path without a Status is for the server to follow
    if (LOCAL.test(location) && (status === undefined || status.code === 200))
      return { kind: 'local', target: location }
  }
  const headers = new Headers()
  let length: number | undefined
  try {
    for (const [name, value] of head.fields) {
      if (HOP_BY_HOP.has(name)) continue
      if (name === 'content-length') {
        if (!/^\d{1,15}$/.test(value) || length !== undefined)
          throw new CgiOutputError('a Content-Length that is not one number')
        length = Number(value)
      }
      headers.append(name, value)
    }
    if (location !== undefined) headers.set('location', location)
  } catch (error) {
    if (error instanceof CgiOutputError) throw error
    throw new CgiOutputError('a header the Fetch API refuses')
  }
  const code = status?.code ?? (location !== undefined ? 302 : 200)
  return { kind: 'document', status: code, statusText: status?.reason ?? '', headers, length }
}

/**
 * The rest of stdout as a pull-based body (nothing is read until the server asks, so a
 * slow client slows the script through the pipe). A declared Content-Length is enforced;
 * a killed script or a length mismatch errors the stream, so the client sees a truncated
 * transfer, never a short body that looks complete. Cancelling kills the script.
 */
export function bodyStream(
  first: Uint8Array,
  chunks: AsyncIterator<Uint8Array>,
  proc: CgiProcess,
  length: number | undefined,
): ReadableStream<Uint8Array> {
  let pending: Uint8Array | undefined = first.byteLength > 0 ? first : undefined
  let sent = 0
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, why: string) => {
    proc.kill('bad-output')
    controller.error(new CgiOutputError(why))
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk = pending
        pending = undefined
        if (chunk === undefined) {
          const next = await chunks.next().catch(() => ({ done: true, value: undefined }) as const)
          if (next.done) {
            if (proc.killReason !== undefined)
              return fail(controller, `the script was killed (${proc.killReason})`)
            if (length !== undefined && sent < length)
              return fail(controller, 'output shorter than its Content-Length')
            return controller.close()
          }
          chunk = next.value
        }
        if (length !== undefined && sent + chunk.byteLength > length)
          return fail(controller, 'output longer than its Content-Length')
        sent += chunk.byteLength
        controller.enqueue(chunk)
      },
      cancel() {
        proc.kill('cancel')
        chunks.return?.().catch(() => {})
      },
    },
    { highWaterMark: 0 },
  )
}

/** Reads and discards the rest of stdout (a redirect or bodiless answer); the timeout still applies. */
export async function drain(chunks: AsyncIterator<Uint8Array>): Promise<void> {
  try {
    while (!(await chunks.next()).done) {}
  } catch {
    // the process was killed or stdout failed: nothing left to discard
  }
}
