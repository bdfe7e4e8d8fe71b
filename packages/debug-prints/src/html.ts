/* Putting the captured output into an HTML page (where: @paste/debug-page's tokenizer). */
import { escapeHtml } from '@paste/core'
import { insertionPoint } from '@paste/debug-page'

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

/** The page with `output` (plain text) added, escaped. */
export function addOutput(html: string, output: string): string {
  const { offset, inPlaceholder } = insertionPoint(html, {
    placeholderId: PLACEHOLDER_ID,
    at: 'body-start',
  })
  const text = escapeHtml(output)
  const block = inPlaceholder
    ? text
    : `<pre id="${PLACEHOLDER_ID}-output" style="${BOX_STYLE}"><b>Printed during this request</b>\n${text}</pre>`
  return html.slice(0, offset) + block + html.slice(offset)
}
