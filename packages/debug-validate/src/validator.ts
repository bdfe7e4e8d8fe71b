/*
 * The validators: html-validate, loaded on first use (an optional peer dependency), or
 * the caller's own function. Both end as a list of clean ValidationMessages.
 */
import type { ValidationMessage } from './report.js'

/** What a validator is told about the page besides its text. */
export interface PageInfo {
  /** The request the page answers. */
  request: Request
  /** The page's Content-Type (`application/xhtml+xml` for XHTML). */
  contentType: string
}

/** A validator: the problems found in `html` (an empty list for a valid page). */
export type Validator = (
  html: string,
  page: PageInfo,
) => readonly ValidationMessage[] | Promise<readonly ValidationMessage[]>

/** html-validate's configuration (its `ConfigData`: `extends`, `rules`, `elements`...). */
export interface HtmlValidateConfig {
  extends?: string[]
  rules?: Record<string, unknown>
  [key: string]: unknown
}

/** Raised when html-validate cannot be loaded: the middleware says so once. */
export class ValidatorUnavailable extends Error {}

interface HtmlValidateMessage {
  ruleId: string
  ruleUrl?: string
  severity: number
  message: string
  line: number
  column: number
  size: number
}
interface HtmlValidateModule {
  HtmlValidate: new (
    loader: unknown,
  ) => {
    validateString(
      html: string,
      filename: string,
      options: HtmlValidateConfig,
    ): Promise<{ results: { messages: HtmlValidateMessage[] }[] }>
  }
  StaticConfigLoader: new (config: HtmlValidateConfig) => unknown
}

const XHTML = /^\s*application\/xhtml\+xml/i
// XHTML syntax: `<br/>` is the right style for void elements and `<div/>` is allowed
const XHTML_RULES = { 'void-style': ['error', { style: 'selfclose' }], 'no-self-closing': 'off' }

/** A {@link Validator} running html-validate with `config`, imported on its first call. */
export function htmlValidate(config: HtmlValidateConfig): Validator {
  let instance: Promise<InstanceType<HtmlValidateModule['HtmlValidate']>> | undefined
  const own = new Set(Object.keys(config.rules ?? {}))
  const xhtml = Object.fromEntries(Object.entries(XHTML_RULES).filter(([rule]) => !own.has(rule)))
  return async (html, page) => {
    instance ??= (import('html-validate') as Promise<unknown> as Promise<HtmlValidateModule>).then(
      (m) => new m.HtmlValidate(new m.StaticConfigLoader(config)),
      (error: unknown) => {
        throw new ValidatorUnavailable('html-validate could not be loaded', { cause: error })
      },
    )
    const validator = await instance
    const options = XHTML.test(page.contentType) ? { rules: xhtml } : {}
    const report = await validator.validateString(html, 'page.html', options)
    return report.results.flatMap((result) =>
      result.messages.map((m) => ({
        line: m.line,
        column: m.column,
        message: m.message,
        ruleId: m.ruleId,
        ruleUrl: m.ruleUrl,
        severity: m.severity === 1 ? ('warning' as const) : ('error' as const),
        size: m.size,
      })),
    )
  }
}

const position = (n: unknown): number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : 0
const text = (s: unknown): string | undefined =>
  s === undefined || s === null ? undefined : String(s)

/**
 * The messages a validator returned, checked: anything that is not a list of objects is a
 * validator failure; a position that is not a whole number >= 1 becomes 0 (shown as `?`).
 */
export function cleanMessages(found: unknown): ValidationMessage[] {
  if (!Array.isArray(found)) throw new TypeError('the validator did not return an array')
  return found.map((m: unknown) => {
    if (typeof m !== 'object' || m === null)
      throw new TypeError('the validator returned a message that is not an object')
    const raw = m as Record<string, unknown>
    return {
      line: position(raw.line),
      column: position(raw.column),
      message: text(raw.message) ?? '',
      ruleId: text(raw.ruleId),
      ruleUrl: text(raw.ruleUrl),
      severity: raw.severity === 'warning' ? 'warning' : 'error',
      size: typeof raw.size === 'number' && Number.isSafeInteger(raw.size) ? raw.size : 0,
    }
  })
}
