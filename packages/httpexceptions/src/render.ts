import { escapeHtml } from '@paste/core'
import { negotiateMediaType } from '@paste/request'

/** What a rendered error shows; every string is plain text, escaped here. */
export interface ErrorView {
  status: number
  title: string
  explanation: string
  detail?: string | undefined
  comment?: string | undefined
  location?: string | undefined
}

const FORMATS = ['text/html', 'application/json', 'text/plain'] as const

/**
 * Chooses the body format from the Accept header with `@paste/request`'s negotiation (RFC 9110
 * section 12.5.1): HTML, JSON or plain text. With no Accept header, plain text (as Paste);
 * when nothing listed is acceptable, plain text too (section 15.5.7 lets a server ignore
 * Accept rather than send 406).
 */
export function chooseFormat(accept: string | null): (typeof FORMATS)[number] {
  if (accept === null || accept.trim() === '') return 'text/plain'
  return (
    (negotiateMediaType(accept, FORMATS) as (typeof FORMATS)[number] | undefined) ?? 'text/plain'
  )
}

function html(view: ErrorView): string {
  const title = escapeHtml(`${view.status} ${view.title}`)
  const parts = [`<h1>${escapeHtml(view.title)}</h1>`]
  if (view.location !== undefined) {
    const href = escapeHtml(view.location)
    parts.push(`<p>${escapeHtml(view.explanation)} <a href="${href}">${href}</a>.</p>`)
  } else if (view.explanation) parts.push(`<p>${escapeHtml(view.explanation)}</p>`)
  if (view.detail) parts.push(`<p>${escapeHtml(view.detail)}</p>`)
  // escapeHtml turns '>' into '&gt;', so the comment can never close the HTML comment
  if (view.comment) parts.push(`<!-- ${escapeHtml(view.comment)} -->`)
  return `<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n${parts.join('\n')}\n</body>\n</html>\n`
}

function text(view: ErrorView): string {
  let out = `${view.status} ${view.title}\n\n`
  if (view.location !== undefined) out += `${view.explanation} ${view.location}\n`
  else if (view.explanation) out += `${view.explanation}\n`
  if (view.detail) out += `${view.detail}\n`
  return out
}

function json(view: ErrorView): string {
  const body: Record<string, unknown> = {
    status: view.status,
    title: view.title,
    explanation: view.explanation,
  }
  if (view.location !== undefined) body.location = view.location
  if (view.detail) body.detail = view.detail
  if (view.comment) body.comment = view.comment
  // '<' escaped so a body sniffed as HTML can never open a tag
  return `${JSON.stringify(body).replace(/</g, '\\u003c')}\n`
}

/** Renders the view as the negotiated format; returns the body and its Content-Type. */
export function renderBody(view: ErrorView, accept: string | null): [string, string] {
  const format = chooseFormat(accept)
  if (format === 'text/html') return [html(view), 'text/html; charset=utf-8']
  if (format === 'application/json') return [json(view), 'application/json']
  return [text(view), 'text/plain; charset=utf-8']
}
