/**
 * Renderings of an {@link ErrorReport}: plain text (logs, mail), an HTML fragment and page in
 * the style of Python's cgitb (the debug page, mail), and JSON. Every value from the error or
 * the request is escaped; secrets were redacted when the report was collected.
 */
import { escapeHtml } from '@paste/core'
import type { ErrorEntry, ErrorReport, ReportFrame } from './report.js'

const RELATION = { thrown: 'Thrown', cause: 'Caused by', aggregate: 'Aggregated' } as const

function where(frame: ReportFrame): string {
  const place =
    frame.file === undefined
      ? '<native>'
      : `${frame.file}${frame.line === undefined ? '' : `:${frame.line}`}${frame.column === undefined ? '' : `:${frame.column}`}`
  return frame.function ? `${frame.function} (${place})` : place
}

function textEntry(entry: ErrorEntry): string {
  const indent = '  '.repeat(entry.depth)
  const lines = [`${indent}${RELATION[entry.relation]}: ${entry.name}: ${entry.message}`]
  for (const [key, value] of Object.entries(entry.properties))
    lines.push(`${indent}  ${key}: ${value}`)
  for (const frame of entry.frames) {
    lines.push(`${indent}    at ${where(frame)}`)
    const current = frame.source?.find((l) => l.current)
    if (current) lines.push(`${indent}       > ${current.line} ${current.text.trim()}`)
  }
  return lines.join('\n')
}

/**
 * The report as plain text: incident, signature, each error of the chain with its frames
 * (and the source line of each application frame), then the request with secrets redacted.
 *
 * @example
 * logger.error(formatText(report))
 */
export function formatText(report: ErrorReport): string {
  const r = report.request
  const out = [
    `Incident ${report.incident} (${report.signature}) at ${report.time.toISOString()}${report.phase === 'body' ? ', while streaming the response body' : ''}`,
  ]
  if (report.suppressed)
    out.push(`${report.suppressed} identical reports were suppressed before this one`)
  out.push('', ...report.errors.map(textEntry), '', `Request: ${r.method} ${r.url}`)
  out.push(`  scriptName: ${JSON.stringify(r.scriptName)}  pathInfo: ${JSON.stringify(r.pathInfo)}`)
  out.push(
    `  remote address: ${r.remoteAddress || '(unknown)'}${r.remoteUser === undefined ? '' : `  user: ${r.remoteUser}`}`,
  )
  for (const [name, value] of r.headers) out.push(`  ${name}: ${value}`)
  return `${out.join('\n')}\n`
}

function htmlSource(frame: ReportFrame): string {
  if (!frame.source) return ''
  const rows = frame.source.map(
    (l) =>
      `<tr${l.current ? ' class="current"' : ''}><td class="n">${l.line}</td><td><code>${escapeHtml(l.text)}</code></td></tr>`,
  )
  return `<table class="source">${rows.join('')}</table>`
}

function htmlFrame(frame: ReportFrame): string {
  const fn = escapeHtml(frame.function ?? '(anonymous)')
  const file = escapeHtml(frame.file ?? '<native>')
  const pos =
    frame.line === undefined
      ? ''
      : `:${frame.line}${frame.column === undefined ? '' : `:${frame.column}`}`
  const head = `<code class="fn">${fn}</code> in <code>${file}${pos}</code>`
  // runtime and dependency frames are folded away, as Paste hid __traceback_hide__ frames
  if (frame.internal || frame.dependency)
    return `<li class="hidden"><details><summary>${head}</summary>${htmlSource(frame)}</details></li>`
  return `<li>${head}${htmlSource(frame)}</li>`
}

function htmlEntry(entry: ErrorEntry): string {
  const props = Object.entries(entry.properties)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('')
  return [
    `<section class="error" style="margin-left:${Math.min(entry.depth, 8) * 1.5}em">`,
    `<h2><small>${RELATION[entry.relation]}</small> ${escapeHtml(entry.name)}: ${escapeHtml(entry.message)}</h2>`,
    props ? `<table class="props">${props}</table>` : '',
    entry.frames.length
      ? `<ol class="frames">${entry.frames.map(htmlFrame).join('')}</ol>`
      : '<p>No stack trace.</p>',
    '</section>',
  ].join('\n')
}

/**
 * The report as an HTML fragment (no `<html>`), every value escaped: for mail and for
 * embedding in a page of your own.
 *
 * @example
 * const html = `<!DOCTYPE html><title>Error</title>${formatHtml(report)}`
 */
export function formatHtml(report: ErrorReport): string {
  const r = report.request
  const headers = r.headers
    .map(([n, v]) => `<tr><th>${escapeHtml(n)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('')
  const rows: [string, string][] = [
    ['Method', r.method],
    ['URL', r.url],
    ['scriptName', JSON.stringify(r.scriptName)],
    ['pathInfo', JSON.stringify(r.pathInfo)],
    ['Remote address', r.remoteAddress || '(unknown)'],
  ]
  if (r.remoteUser !== undefined) rows.push(['Remote user', r.remoteUser])
  return [
    `<p class="incident">Incident <code>${escapeHtml(report.incident)}</code>, signature <code>${escapeHtml(report.signature)}</code>, ${escapeHtml(report.time.toISOString())}${report.phase === 'body' ? ', while streaming the response body' : ''}</p>`,
    report.suppressed
      ? `<p>${report.suppressed} identical reports were suppressed before this one.</p>`
      : '',
    ...report.errors.map(htmlEntry),
    '<h2>Request</h2>',
    `<table class="request">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`,
    '<h3>Headers</h3>',
    `<table class="headers">${headers}</table>`,
  ].join('\n')
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222}h1{color:#a00}
h2{font-size:1.1em;background:#fee;padding:.3em;border-left:4px solid #a00}h2 small{color:#666}
code{font:13px ui-monospace,monospace}ol.frames li{margin:.4em 0}li.hidden{color:#777}
table{border-collapse:collapse}th{text-align:left;padding-right:1em;vertical-align:top}
table.source{background:#f6f6f6;margin:.2em 0 .2em 1em}td.n{color:#999;text-align:right;padding-right:.6em}
tr.current{background:#ffd}`

/**
 * The full debug page: the cgitb-style HTML document for a report.
 *
 * @example
 * return new Response(formatHtmlPage(report), { status: 500, headers: { 'content-type': 'text/html' } })
 */
export function formatHtmlPage(report: ErrorReport): string {
  const first = report.errors[0]
  const title = first ? `${first.name}: ${first.message}` : 'Internal Server Error'
  return `<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>500 ${escapeHtml(title.slice(0, 200))}</title><style>${CSS}</style></head>\n<body>\n<h1>500 Internal Server Error</h1>\n${formatHtml(report)}\n</body>\n</html>\n`
}

/**
 * The report as JSON text (`<` escaped, so a sniffing browser never sees a tag).
 *
 * @example
 * await fetch(collector, { method: 'POST', body: formatJson(report) })
 */
export function formatJson(report: ErrorReport): string {
  return `${JSON.stringify(report).replace(/</g, '\\u003c')}\n`
}
