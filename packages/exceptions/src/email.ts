import { formatHtml, formatText } from './format.js'
import type { ErrorReport } from './report.js'
import type { ErrorReporter } from './reporters.js'
import { type ThrottleOptions, throttleReporter } from './throttle.js'

/** A message for a {@link MailTransport}: plain text plus an HTML alternative. */
export interface MailMessage {
  from: string
  to: string[]
  /** One line, control characters already removed. */
  subject: string
  text: string
  html: string
  /** Extra header fields (`X-Paste-Incident`, `X-Paste-Signature`). */
  headers: Record<string, string>
}

/**
 * Sends a {@link MailMessage}. `@paste/exceptions/smtp` provides one over SMTP (nodemailer);
 * implement it for an HTTP mail API, a queue, or a test double.
 *
 * @example
 * const transport: MailTransport = { send: (m) => queue.push(m) }
 */
export interface MailTransport {
  send(message: MailMessage): Promise<void>
}

/** Options for {@link emailReporter}. */
export interface EmailReporterOptions extends ThrottleOptions {
  /** How mail is sent. Required. */
  transport: MailTransport
  /** The sender address (Paste's `from_address`). Required. */
  from: string
  /** Recipient address or addresses (Paste's `error_email`). Required. */
  to: string | readonly string[]
  /** Put before the subject (Paste's `error_subject_prefix`). @default '[paste] ' */
  subjectPrefix?: string
  /** Throttle identical errors and storms (see `throttleReporter`); false sends every report. @default true */
  throttle?: boolean
}

// addr-spec, loosely (RFC 5322 3.4.1): no spaces, no control characters, one @
const ADDRESS = /^[^\s@<>()",;:\\[\]\u0000-\u001f\u007f]+@[^\s@<>()",;:\\[\]\u0000-\u001f\u007f]+$/

/** One line of text without control characters, cut to `max`. */
function oneLine(text: string, max: number): string {
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/**
 * Builds the mail for a report (exported for custom transports and tests): subject
 * `prefix + name: message` on one line, text and HTML bodies, incident and signature headers.
 *
 * @example
 * const message = buildMail(report, 'errors@example.com', ['ops@example.com'], '[shop] ')
 */
export function buildMail(
  report: ErrorReport,
  from: string,
  to: readonly string[],
  prefix: string,
): MailMessage {
  const first = report.errors[0]
  const subject = oneLine(`${prefix}${first ? `${first.name}: ${first.message}` : 'error'}`, 200)
  return {
    from,
    to: [...to],
    subject,
    text: formatText(report),
    html: `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${formatHtml(report)}</body></html>`,
    headers: { 'X-Paste-Incident': report.incident, 'X-Paste-Signature': report.signature },
  }
}

/**
 * Mails each report (text and HTML) through a {@link MailTransport}, throttled by default so
 * an error storm sends a few mails, not thousands (see `throttleReporter`).
 *
 * @example
 * import { smtpTransport } from '@paste/exceptions/smtp'
 * const mail = emailReporter({
 *   transport: smtpTransport({ host: 'smtp.example.com', port: 587, auth: { user, pass } }),
 *   from: 'errors@example.com', to: ['ops@example.com'],
 * })
 * pipe(app, errorMiddleware({ reporters: [loggerReporter(), mail] }))
 */
export function emailReporter(options: EmailReporterOptions): ErrorReporter {
  const { transport, from } = options
  const to = typeof options.to === 'string' ? [options.to] : [...(options.to ?? [])]
  if (typeof transport?.send !== 'function')
    throw new TypeError('@paste/exceptions: emailReporter transport must have a send() method')
  if (typeof from !== 'string' || !ADDRESS.test(from))
    throw new TypeError('@paste/exceptions: emailReporter from must be an email address')
  if (to.length === 0 || !to.every((a) => typeof a === 'string' && ADDRESS.test(a)))
    throw new TypeError('@paste/exceptions: emailReporter to must be one or more email addresses')
  const prefix = options.subjectPrefix ?? '[paste] '
  const send: ErrorReporter = {
    report: (report) => transport.send(buildMail(report, from, to, prefix)),
  }
  return options.throttle === false ? send : throttleReporter(send, options)
}
