export { collectError } from './collect.js'
export {
  buildMail,
  type EmailReporterOptions,
  emailReporter,
  type MailMessage,
  type MailTransport,
} from './email.js'
export { formatHtml, formatHtmlPage, formatJson, formatText } from './format.js'
export { incidentId, signatureOf } from './ids.js'
export { type ErrorMiddlewareOptions, errorMiddleware } from './middleware.js'
export {
  ALWAYS_REDACTED,
  createRedactor,
  DEFAULT_SECRET_PATTERN,
  REDACTED,
  type Redactor,
} from './redact.js'
export type { ErrorEntry, ErrorReport, ReportFrame, RequestSummary } from './report.js'
export {
  type ErrorReporter,
  type LoggerReporterOptions,
  loggerReporter,
  runReporters,
} from './reporters.js'
export type { SourceLine } from './source.js'
export { parseStack, type StackFrame } from './stack.js'
export { type ThrottleOptions, throttleReporter } from './throttle.js'
