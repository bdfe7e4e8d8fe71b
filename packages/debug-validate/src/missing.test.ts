/*
 * Without html-validate installed (and no `validate`): one error logged, saying what to
 * do, and every page sent as it came. The import of html-validate fails here as it does
 * when the package is absent.
 */
import { type Logger, pipe } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import { expect, vi } from 'vitest'
import { debugValidate } from './index.js'

vi.mock('html-validate', () => {
  throw Object.assign(new Error("Cannot find package 'html-validate'"), {
    code: 'ERR_MODULE_NOT_FOUND',
  })
})

const INVALID = '<body><foo>x</foo></body>'
const errors: [string, Record<string, unknown> | undefined][] = []
const logger: Logger = {
  error: (message, details) => errors.push([message, details]),
  warn() {},
  info() {},
  debug() {},
}

matrix(
  'html-validate missing: one error logged, pages pass unchanged',
  () =>
    pipe(
      () => new Response(INVALID, { headers: { 'content-type': 'text/html', etag: '"a"' } }),
      debugValidate(),
    ),
  async (fetch) => {
    errors.length = 0
    for (let i = 0; i < 3; i++) {
      const response = await fetch('/')
      expect(await response.text()).toBe(INVALID)
      expect(response.headers.get('etag')).toBe('"a"')
      expect(response.headers.get('x-validate-errors')).toBeNull()
    }
    expect(errors).toHaveLength(1)
    expect(errors[0]![0]).toBe(
      '@paste/debug-validate: html-validate could not be loaded; pages are sent unvalidated. Install it (pnpm add -D html-validate) or pass `validate`',
    )
    // the import's own error, as the runtime raised it (vitest wraps the one thrown above)
    expect(errors[0]![1]!.error).toBeInstanceOf(Error)
  },
  { logger },
)

matrix(
  'html-validate missing: a `validate` hook still works',
  () =>
    pipe(
      () => new Response(INVALID, { headers: { 'content-type': 'text/html' } }),
      debugValidate({ validate: () => [{ line: 1, column: 7, message: 'no foo' }] }),
    ),
  async (fetch) => {
    const response = await fetch('/')
    expect(await response.text()).toContain('no foo')
    expect(response.headers.get('x-validate-errors')).toBe('1')
  },
)
