/* The report added to a page: every message with its place and a short excerpt, escaped. */
import { escapeHtml } from '@paste/core'

/** One problem a validator found in a page. */
export interface ValidationMessage {
  /** Line of the problem in the page, counted from 1. */
  line: number
  /** Column (characters) of the problem in its line, counted from 1. */
  column: number
  /** What is wrong. */
  message: string
  /** The rule or check that found it (`element-name`, `wcag/h37`). */
  ruleId?: string | undefined
  /** An `http:` or `https:` page that explains the rule (others are not linked). */
  ruleUrl?: string | undefined
  /** `'error'` or `'warning'`. @default 'error' */
  severity?: 'error' | 'warning' | undefined
  /** How many characters from `column` the problem covers (highlighted in the excerpt). */
  size?: number | undefined
}

/** The prefix of every class name in the report (stable: style it from the page). */
export const REPORT_CLASS = 'paste-debug-validate'

const EXCERPT_BEFORE = 30
const EXCERPT_CHARS = 80
const BOX_STYLE = [
  'clear: both',
  'margin: 1em 0',
  'padding: 0.5em 1em',
  'border: 2px solid #600',
  'background: #ffd',
  'color: #600',
  'font: 13px/1.4 sans-serif',
  'text-align: left',
].join('; ')

/** Splits a page into lines the way validators count them (`\n`, `\r\n` or `\r`). */
export function pageLines(html: string): string[] {
  return html.split(/\r\n|\n|\r/)
}

/** The part of `line` around `column` (1-based), with the problem (`size` chars) marked. */
export function excerpt(line: string, column: number, size: number): string {
  const at = Math.min(Math.max(column - 1, 0), line.length)
  const start = Math.max(0, at - EXCERPT_BEFORE)
  const end = Math.min(line.length, start + EXCERPT_CHARS)
  const markEnd = Math.min(end, at + Math.max(size, 0))
  const head = (start > 0 ? '…' : '') + escapeHtml(line.slice(start, at))
  const marked = markEnd > at ? `<mark>${escapeHtml(line.slice(at, markEnd))}</mark>` : ''
  const tail = escapeHtml(line.slice(markEnd, end)) + (end < line.length ? '…' : '')
  return head + marked + tail
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function item(message: ValidationMessage, lines: readonly string[]): string {
  const severity = message.severity === 'warning' ? 'warning' : 'error'
  const where = `${message.line || '?'}:${message.column || '?'}`
  const rule =
    message.ruleId === undefined
      ? ''
      : /^https?:\/\//i.test(message.ruleUrl ?? '')
        ? ` <a class="${REPORT_CLASS}-rule" href="${escapeHtml(message.ruleUrl!)}">${escapeHtml(message.ruleId)}</a>`
        : ` <span class="${REPORT_CLASS}-rule">${escapeHtml(message.ruleId)}</span>`
  const source = lines[message.line - 1]
  const code =
    source === undefined
      ? ''
      : `<pre class="${REPORT_CLASS}-excerpt">${excerpt(source, message.column, message.column > 0 ? (message.size ?? 0) : 0)}</pre>`
  return (
    `<li class="${REPORT_CLASS}-message ${REPORT_CLASS}-${severity}">` +
    `<span class="${REPORT_CLASS}-location">${where}</span>${rule} ` +
    `<span class="${REPORT_CLASS}-text">${escapeHtml(message.message)}</span>${code}</li>`
  )
}

/**
 * The report for `messages` found in `html`: a `<section>` listing at most `max` of them,
 * everything from the page or the validator escaped.
 */
export function renderReport(
  html: string,
  messages: readonly ValidationMessage[],
  max: number,
): string {
  const errors = messages.filter((m) => m.severity !== 'warning').length
  const warnings = messages.length - errors
  const lines = pageLines(html)
  const shown = messages.slice(0, max).map((m) => item(m, lines))
  const more =
    messages.length > max
      ? `<p class="${REPORT_CLASS}-more">and ${messages.length - max} more not shown</p>`
      : ''
  return (
    `<section class="${REPORT_CLASS}" style="${BOX_STYLE}">` +
    `<h2 class="${REPORT_CLASS}-title">HTML validation: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}</h2>` +
    `<ol class="${REPORT_CLASS}-messages">${shown.join('')}</ol>${more}</section>`
  )
}
