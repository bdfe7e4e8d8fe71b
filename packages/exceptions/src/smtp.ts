/**
 * `@paste/exceptions/smtp`: a {@link MailTransport} over SMTP, built on nodemailer. A subpath
 * of its own so the main entry stays free of Node APIs.
 */
import { createTransport } from 'nodemailer'
import type { MailMessage, MailTransport } from './email.js'

/** Options for {@link smtpTransport}. */
export interface SmtpTransportOptions {
  /** The SMTP server. @default 'localhost' */
  host?: string
  /** Its port. @default 587 (465 when `secure`) */
  port?: number
  /** Implicit TLS from the first byte (port 465). @default false */
  secure?: boolean
  /** Refuse to send unless the server offers STARTTLS (when not `secure`). @default false */
  requireTLS?: boolean
  /** Never use STARTTLS even if offered (for a local relay only). @default false */
  ignoreTLS?: boolean
  /** Credentials for SMTP AUTH. @default none */
  auth?: { user: string; pass: string }
  /** TLS options: `rejectUnauthorized: false` only for a test server. @default verified */
  tls?: { rejectUnauthorized?: boolean; servername?: string }
  /** Give up connecting after this many ms. @default 10_000 */
  connectionTimeout?: number
  /** Give up on a silent connection after this many ms. @default 20_000 */
  socketTimeout?: number
  /** The name sent in EHLO. @default the machine's host name */
  name?: string
}

/** A mail transport that can also be shut down. */
export interface SmtpTransport extends MailTransport {
  /** Closes pooled connections. */
  close(): void
}

/**
 * A {@link MailTransport} sending over SMTP with nodemailer (Paste's `smtp_server`,
 * `smtp_username`, `smtp_password`, `smtp_use_tls`).
 *
 * @example
 * import { emailReporter } from '@paste/exceptions'
 * import { smtpTransport } from '@paste/exceptions/smtp'
 * const transport = smtpTransport({ host: 'smtp.example.com', port: 587, requireTLS: true,
 *   auth: { user: 'errors', pass: process.env.SMTP_PASSWORD! } })
 * const mail = emailReporter({ transport, from: 'errors@example.com', to: 'ops@example.com' })
 */
export function smtpTransport(options: SmtpTransportOptions = {}): SmtpTransport {
  const port = options.port ?? (options.secure ? 465 : 587)
  if (!(Number.isInteger(port) && port > 0 && port < 65536))
    throw new TypeError('@paste/exceptions: smtpTransport port must be 1-65535')
  const transporter = createTransport({
    host: options.host ?? 'localhost',
    port,
    secure: options.secure ?? false,
    requireTLS: options.requireTLS ?? false,
    ignoreTLS: options.ignoreTLS ?? false,
    connectionTimeout: options.connectionTimeout ?? 10_000,
    greetingTimeout: options.connectionTimeout ?? 10_000,
    socketTimeout: options.socketTimeout ?? 20_000,
    ...(options.auth ? { auth: { user: options.auth.user, pass: options.auth.pass } } : {}),
    ...(options.tls ? { tls: { ...options.tls } } : {}),
    ...(options.name ? { name: options.name } : {}),
  })
  return {
    async send(message: MailMessage) {
      await transporter.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
        textEncoding: 'quoted-printable',
      })
    },
    close() {
      transporter.close()
    },
  }
}

export type { MailMessage, MailTransport } from './email.js'
