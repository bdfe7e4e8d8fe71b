import { escapeHtml } from '@paste/core'
import { negotiateMediaType } from '@paste/request'
import { formatHtmlPage, formatJson, formatText } from './format.js'
import type { ErrorReport } from './report.js'

const FORMATS = ['text/html', 'application/json', 'text/plain'] as const
type Format = (typeof FORMATS)[number]

/** HTML, JSON or text by Accept (RFC 9110 12.5.1); plain text without Accept or a match. */
function chooseFormat(accept: string | null): Format {
  if (accept === null || accept.trim() === '') return 'text/plain'
  return (negotiateMediaType(accept, FORMATS) as Format | undefined) ?? 'text/plain'
}

const CONTENT_TYPE: Record<Format, string> = {
  'text/html': 'text/html; charset=utf-8',
  'application/json': 'application/json',
  'text/plain': 'text/plain; charset=utf-8',
}

function respond(
  request: Request,
  format: Format,
  body: string,
  extra: Record<string, string> = {},
): Response {
  return new Response(request.method === 'HEAD' ? null : body, {
    status: 500,
    headers: {
      'content-type': CONTENT_TYPE[format],
      'cache-control': 'no-store',
      vary: 'Accept',
      'x-content-type-options': 'nosniff',
      ...extra,
    },
  })
}

/**
 * The production 500: a fixed message and the incident id, nothing of the error, the
 * request or the server.
 */
export function genericErrorResponse(
  request: Request,
  incident: string,
  message: string,
): Response {
  const format = chooseFormat(request.headers.get('accept'))
  if (format === 'application/json') {
    const body = { status: 500, title: 'Internal Server Error', explanation: message, incident }
    return respond(request, format, `${JSON.stringify(body).replace(/</g, '\\u003c')}\n`)
  }
  if (format === 'text/html') {
    const body = `<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>500 Internal Server Error</title></head>\n<body>\n<h1>Internal Server Error</h1>\n<p>${escapeHtml(message)}</p>\n<p>Incident: <code>${escapeHtml(incident)}</code></p>\n</body>\n</html>\n`
    return respond(request, format, body)
  }
  return respond(
    request,
    format,
    `500 Internal Server Error\n\n${message}\nIncident: ${incident}\n`,
  )
}

/** The debug 500: the whole report (HTML page, JSON or text), behind a strict CSP. */
export function debugErrorResponse(request: Request, report: ErrorReport): Response {
  const format = chooseFormat(request.headers.get('accept'))
  // the page needs no script, image or frame: inline style only
  const csp = { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }
  if (format === 'application/json') return respond(request, format, formatJson(report), csp)
  if (format === 'text/html') return respond(request, format, formatHtmlPage(report), csp)
  return respond(request, format, formatText(report), csp)
}
