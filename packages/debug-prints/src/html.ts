/*
 * Putting the captured output into an HTML page. The insertion point is found with a real
 * HTML tokenizer (parse5), so a `<body>` written inside a comment, a script or an attribute
 * value is not mistaken for the body.
 */
import { escapeHtml } from '@paste/core'
import { SAXParser } from 'parse5-sax-parser'

/** The id of the element a page may provide for the output (Paste's placeholder). */
export const PLACEHOLDER_ID = 'paste-debug-prints'

const BOX_STYLE = [
  'float: right',
  'clear: right',
  'width: 40%',
  'max-height: 50vh',
  'overflow: auto',
  'margin: 0 0 1em 1em',
  'padding: 0.5em',
  'border: 2px solid #000',
  'background: #ffd',
  'color: #000',
  'font: 12px/1.4 monospace',
  'white-space: pre-wrap',
  'position: relative',
  'z-index: 2147483647',
].join('; ')

/** Where the output goes: inside the placeholder, else just after `<body>`, else at the end. */
export function insertionPoint(html: string): { offset: number; placeholder: boolean } {
  const parser = new SAXParser({ sourceCodeLocationInfo: true })
  let body: number | undefined
  let placeholder: number | undefined
  parser.on('startTag', (tag) => {
    const end = tag.sourceCodeLocation?.endOffset
    if (end === undefined || placeholder !== undefined) return
    if (
      tag.tagName === 'pre' &&
      tag.attrs.some((a) => a.name === 'id' && a.value === PLACEHOLDER_ID)
    ) {
      placeholder = end
      parser.stop()
    } else if (tag.tagName === 'body' && body === undefined) body = end
  })
  parser.end(html)
  if (placeholder !== undefined) return { offset: placeholder, placeholder: true }
  // without a <body> tag, content at the end still lands in the body (HTML parsing rules);
  // before the document it would drop the page into quirks mode
  return { offset: body ?? html.length, placeholder: false }
}

/** The page with `output` (plain text) added, escaped. */
export function addOutput(html: string, output: string): string {
  const { offset, placeholder } = insertionPoint(html)
  const text = escapeHtml(output)
  const block = placeholder
    ? text
    : `<pre id="${PLACEHOLDER_ID}-output" style="${BOX_STYLE}"><b>Printed during this request</b>\n${text}</pre>`
  return html.slice(0, offset) + block + html.slice(offset)
}
