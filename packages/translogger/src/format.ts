import { escapeBytes, escapeText } from './escape.js'

/** How the response body ended: sent whole, the client went away, or the body failed. */
export type AccessOutcome = 'complete' | 'aborted' | 'error'

/** One access-log record, as handed to format functions and sinks. */
export interface AccessLogEntry {
  /** When the request arrived. */
  time: Date
  /** The client's address (`context.remoteAddress`: after trusted proxies only). */
  remoteAddress: string
  /** The authenticated user, if any. */
  remoteUser: string | undefined
  /** The request method. */
  method: string
  /** The request target as the client sent it: path and query. */
  target: string
  /** The protocol written in the request line. */
  protocol: string
  /** The response status (500 for an error thrown below). */
  status: number
  /** Body bytes actually handed to the server (0 for HEAD and bodiless statuses). */
  bytes: number
  /** The Referer header, if any. */
  referer: string | undefined
  /** The User-Agent header, if any. */
  userAgent: string | undefined
  /** Milliseconds from the request's arrival to the end of the body. */
  durationMs: number
  /** How the body ended. */
  outcome: AccessOutcome
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const two = (n: number) => String(n).padStart(2, '0')

/**
 * Apache's `%t`: `[10/Oct/2000:13:55:36 -0700]` in local time (or UTC).
 *
 * @example
 * apacheTime(new Date(Date.UTC(2000, 9, 10, 20, 55, 36)), true) // '[10/Oct/2000:20:55:36 +0000]'
 */
export function apacheTime(date: Date, utc = false): string {
  const offset = utc ? 0 : -date.getTimezoneOffset()
  const shifted = new Date(date.getTime() + offset * 60_000)
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return (
    `[${two(shifted.getUTCDate())}/${MONTHS[shifted.getUTCMonth()]}/${shifted.getUTCFullYear()}` +
    `:${two(shifted.getUTCHours())}:${two(shifted.getUTCMinutes())}:${two(shifted.getUTCSeconds())}` +
    ` ${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}]`
  )
}

const dash = (value: string | undefined, escapeValue: (v: string) => string) =>
  value === undefined || value === '' ? '-' : escapeValue(value)

// Apache formats carry no outcome field; an incomplete body adds one at the end of the line.
const tail = (entry: AccessLogEntry) => (entry.outcome === 'complete' ? '' : ` ${entry.outcome}`)

function commonFields(entry: AccessLogEntry, utc: boolean): string {
  // LogFormat "%h %l %u %t \"%r\" %>s %b" common
  const requestLine = `${entry.method} ${entry.target} ${entry.protocol}`
  return (
    `${dash(entry.remoteAddress, escapeText)} - ${dash(entry.remoteUser, escapeText)} ` +
    `${apacheTime(entry.time, utc)} "${escapeText(requestLine)}" ${entry.status} ` +
    `${entry.bytes === 0 ? '-' : entry.bytes}`
  )
}

/**
 * Apache's common log format (`%h %l %u %t "%r" %>s %b`), every field escaped.
 *
 * @example
 * formatCommon(entry) // '127.0.0.1 - alice [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 2326'
 */
export function formatCommon(entry: AccessLogEntry, utc = false): string {
  return commonFields(entry, utc) + tail(entry)
}

/**
 * Apache's combined log format (common plus `"%{Referer}i" "%{User-agent}i"`).
 *
 * @example
 * formatCombined(entry) // '... 200 2326 "http://example.com/" "curl/8.5.0"'
 */
export function formatCombined(entry: AccessLogEntry, utc = false): string {
  return (
    `${commonFields(entry, utc)} "${dash(entry.referer, escapeBytes)}" ` +
    `"${dash(entry.userAgent, escapeBytes)}"${tail(entry)}`
  )
}

/**
 * One JSON object per line. JSON escapes quotes and controls; U+2028 and U+2029, which some
 * log viewers treat as line breaks, are escaped too.
 *
 * @example
 * formatJson(entry) // '{"time":"2000-10-10T20:55:36.000Z","remoteAddress":"127.0.0.1",...}'
 */
export function formatJson(entry: AccessLogEntry): string {
  return JSON.stringify({
    time: entry.time.toISOString(),
    remoteAddress: entry.remoteAddress,
    remoteUser: entry.remoteUser ?? null,
    method: entry.method,
    target: entry.target,
    protocol: entry.protocol,
    status: entry.status,
    bytes: entry.bytes,
    referer: entry.referer ?? null,
    userAgent: entry.userAgent ?? null,
    durationMs: Math.round(entry.durationMs * 1000) / 1000,
    outcome: entry.outcome,
  }).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
}
