/* The options of debugValidate: their types, defaults and checks. */
import { type HtmlValidateConfig, htmlValidate, type Validator } from './validator.js'

/** The id of the element a page may provide to receive the report. */
export const PLACEHOLDER_ID = 'paste-debug-validate'

/** Options for {@link debugValidate}. */
export interface DebugValidateOptions {
  /** html-validate's configuration (not with `validate`). @default { extends: ['html-validate:recommended'] } */
  config?: HtmlValidateConfig
  /** Your own validator (the W3C Nu checker, a remote service) instead of html-validate. @default html-validate with `config` */
  validate?: Validator
  /** Which HTML pages to validate, decided on the response's headers. @default every page */
  check?: (request: Request, response: Response) => boolean
  /** The id of an element that receives the report when the page has one. @default 'paste-debug-validate' */
  placeholderId?: string
  /** Where the report goes in a page without the placeholder: after `<body>` or before `</body>`. @default 'body-end' */
  at?: 'body-start' | 'body-end'
  /** A response header set to the number of errors on every validated page; `false` for none. @default 'X-Validate-Errors' */
  countHeader?: string | false
  /** Most messages listed in the report (the rest are counted). @default 100 */
  maxMessages?: number
  /** Largest page (bytes) validated; a larger one streams through unchanged. @default 1048576 */
  maxBodyBytes?: number
  /** Most validations running at once. @default 2 */
  maxConcurrent?: number
  /** Most pages waiting for a validation; past that a page is sent unvalidated (and a warning logged). @default 8 */
  maxWaiting?: number
}

function fail(message: string): never {
  throw new TypeError(`@paste/debug-validate: ${message}`)
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  const n = value ?? fallback
  if (!Number.isSafeInteger(n) || n < min) fail(`${name} must be an integer >= ${min}`)
  return n
}

function optionalFunction<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail(`${name} must be a function`)
  return value
}

// RFC 9110 section 5.1: field-name = token
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

function resolveValidator(options: DebugValidateOptions): Validator {
  const own = optionalFunction('validate', options.validate)
  if (own !== undefined && options.config !== undefined)
    fail('give either config (for html-validate) or validate, not both')
  if (own !== undefined) return own
  const config = options.config ?? { extends: ['html-validate:recommended'] }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    fail('config must be an html-validate configuration object')
  return htmlValidate(config)
}

/** The options with their defaults, checked (a bad one throws a TypeError). */
export function resolveOptions(options: DebugValidateOptions) {
  const placeholderId = options.placeholderId ?? PLACEHOLDER_ID
  if (typeof placeholderId !== 'string' || placeholderId === '')
    fail('placeholderId must be a non-empty string')
  const at = options.at ?? 'body-end'
  if (at !== 'body-start' && at !== 'body-end') fail("at must be 'body-start' or 'body-end'")
  const countHeader = options.countHeader ?? 'X-Validate-Errors'
  if (countHeader !== false && (typeof countHeader !== 'string' || !TOKEN.test(countHeader)))
    fail('countHeader must be a header name or false')
  return {
    validate: resolveValidator(options),
    check: optionalFunction('check', options.check) ?? (() => true),
    placeholderId,
    at,
    countHeader,
    maxMessages: count('maxMessages', options.maxMessages, 100, 1),
    maxBodyBytes: count('maxBodyBytes', options.maxBodyBytes, 1024 * 1024, 0),
    maxConcurrent: count('maxConcurrent', options.maxConcurrent, 2, 1),
    maxWaiting: count('maxWaiting', options.maxWaiting, 8, 0),
  }
}
