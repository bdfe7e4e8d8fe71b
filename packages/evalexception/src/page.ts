/**
 * The interactive traceback page. Every value from the error, the request or a local is
 * escaped; the only script is the page's own, allowed by a per-response CSP nonce, and it
 * writes results with textContent, never as HTML.
 */
import { inspect } from 'node:util'
import { escapeHtml } from '@paste/core'
import type { ReportFrame } from '@paste/exceptions'
import type { KeptError, KeptIncident } from './store.js'

const RELATION = { thrown: 'Thrown', cause: 'Caused by', aggregate: 'Aggregated' } as const
const MAX_LOCAL_CHARS = 500

/** A local's value as short, escaped text. */
function showLocal(value: unknown): string {
  let text: string
  try {
    text = inspect(value, {
      depth: 1,
      maxArrayLength: 10,
      maxStringLength: 200,
      breakLength: Number.POSITIVE_INFINITY,
    })
  } catch {
    text = '[uninspectable]'
  }
  return escapeHtml(text.length > MAX_LOCAL_CHARS ? `${text.slice(0, MAX_LOCAL_CHARS)}…` : text)
}

function source(frame: ReportFrame): string {
  if (!frame.source) return ''
  const rows = frame.source.map(
    (l) =>
      `<tr${l.current ? ' class="current"' : ''}><td class="n">${l.line}</td><td><code>${escapeHtml(l.text)}</code></td></tr>`,
  )
  return `<table class="source">${rows.join('')}</table>`
}

function frameHtml(kept: KeptError, e: number, f: number, consoles: boolean): string {
  const frame = kept.entry.frames[f]!
  const pos =
    frame.line === undefined
      ? ''
      : `:${frame.line}${frame.column === undefined ? '' : `:${frame.column}`}`
  const head = `<code class="fn">${escapeHtml(frame.function ?? '(anonymous)')}</code> in <code>${escapeHtml(frame.file ?? '<native>')}${pos}</code>`
  if (frame.internal || frame.dependency)
    return `<li class="hidden"><details><summary>${head}</summary>${source(frame)}</details></li>`
  const captured = kept.locals[f]
  let locals = ''
  if (consoles) {
    const rows = captured
      ? [...captured.locals]
          .map(
            ([k, v]) => `<tr><th>${escapeHtml(k)}</th><td><code>${showLocal(v)}</code></td></tr>`,
          )
          .join('')
      : ''
    locals = captured
      ? `<details open><summary>Locals at the throw</summary><table class="locals">${rows || '<tr><td>(none)</td></tr>'}</table></details>`
      : '<p class="note">No locals were captured for this frame.</p>'
    locals += `<form class="console" method="post" data-frame="${e}:${f}"><input name="expr" autocomplete="off" spellcheck="false" placeholder="expression, e.g. ${captured?.locals.size ? escapeHtml([...captured.locals.keys()][0]!) : 'error.message'}"><button>Evaluate</button></form><pre class="out"></pre>`
  }
  return `<li>${head}${source(frame)}${locals}</li>`
}

function errorHtml(kept: KeptError, e: number, consoles: boolean): string {
  const { entry } = kept
  const props = Object.entries(entry.properties)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('')
  const frames = entry.frames.map((_, f) => frameHtml(kept, e, f, consoles)).join('')
  return [
    `<section class="error" style="margin-left:${Math.min(entry.depth, 8) * 1.5}em">`,
    `<h2><small>${RELATION[entry.relation]}</small> ${escapeHtml(entry.name)}: ${escapeHtml(entry.message)}</h2>`,
    props ? `<table class="props">${props}</table>` : '',
    frames ? `<ol class="frames">${frames}</ol>` : '<p>No stack trace.</p>',
    '</section>',
  ].join('\n')
}

// posts {id, token, frame, expr} and shows the text answer with textContent (never as HTML)
const SCRIPT = `for (const form of document.querySelectorAll('form.console')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const out = form.nextElementSibling
    const page = document.body.dataset
    const body = new URLSearchParams({ id: page.id, token: page.token, frame: form.dataset.frame, expr: form.expr.value })
    try {
      const response = await fetch(page.evalUrl, { method: 'POST', body, credentials: 'same-origin' })
      out.textContent = (out.textContent ? out.textContent + '\\n' : '') + '> ' + form.expr.value + '\\n' + await response.text()
      out.className = response.ok ? 'out' : 'out failed'
    } catch (error) {
      out.textContent = String(error)
    }
  })
}`

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222}h1{color:#a00}
h2{font-size:1.1em;background:#fee;padding:.3em;border-left:4px solid #a00}h2 small{color:#666}
code,pre,input{font:13px ui-monospace,monospace}ol.frames li{margin:.6em 0}li.hidden{color:#777}
table{border-collapse:collapse}th{text-align:left;padding-right:1em;vertical-align:top}
table.source{background:#f6f6f6;margin:.2em 0 .2em 1em}td.n{color:#999;text-align:right;padding-right:.6em}
tr.current{background:#ffd}table.locals{margin-left:1em}form.console{margin:.3em 0 0 1em}
form.console input{width:40em}pre.out{margin-left:1em;background:#f4f8ff;white-space:pre-wrap}
pre.out:empty{display:none}pre.failed{background:#fff0f0}p.note{color:#777;margin-left:1em}`

/** Everything the page needs besides the incident. */
export interface PageOptions {
  /** Where the console posts (scriptName + path + '/eval'). */
  evalUrl: string
  /** Whether this client may see locals and evaluate. */
  consoles: boolean
  /** The CSP nonce of the page's script. */
  nonce: string
  /** Why capture is off, when it is. */
  captureNote?: string
}

/**
 * The whole page for an incident.
 *
 * @example
 * const html = renderPage(incident, { evalUrl: '/_debug/eval', consoles: true, nonce })
 */
export function renderPage(incident: KeptIncident, o: PageOptions): string {
  const first = incident.errors[0]?.entry
  const title = first ? `${first.name}: ${first.message}` : 'Internal Server Error'
  const s = incident.summary
  const headers = s.headers
    .map(([n, v]) => `<tr><th>${escapeHtml(n)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('')
  const data = o.consoles
    ? ` data-id="${escapeHtml(incident.id)}" data-token="${escapeHtml(incident.token)}" data-eval-url="${escapeHtml(o.evalUrl)}"`
    : ''
  const notes = [
    o.consoles
      ? '<p class="note">Each frame has a console: expressions run on the server with that frame\'s locals (as they were at the throw) and <code>error</code>, <code>request</code>, <code>context</code> in scope.</p>'
      : '<p class="note">Locals and the console are only offered to allowed (loopback) clients.</p>',
    o.consoles && o.captureNote
      ? `<p class="note">Frame locals are not captured: ${escapeHtml(o.captureNote)}.</p>`
      : '',
  ]
  return `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>500 ${escapeHtml(title.slice(0, 200))}</title><style>${CSS}</style></head>
<body${data}>
<h1>500 Internal Server Error</h1>
<p>Incident <code>${escapeHtml(incident.id)}</code>, ${escapeHtml(new Date(incident.created).toISOString())}</p>
${notes.join('\n')}
${incident.errors.map((kept, e) => errorHtml(kept, e, o.consoles)).join('\n')}
<h2>Request</h2>
<table class="request"><tr><th>Method</th><td>${escapeHtml(s.method)}</td></tr><tr><th>URL</th><td>${escapeHtml(s.url)}</td></tr><tr><th>Remote address</th><td>${escapeHtml(s.remoteAddress || '(unknown)')}</td></tr></table>
<h3>Headers</h3>
<table class="headers">${headers}</table>
${o.consoles ? `<script nonce="${escapeHtml(o.nonce)}">${SCRIPT}</script>` : ''}
</body>
</html>
`
}
