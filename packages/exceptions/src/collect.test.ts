import { createContext } from '@paste/core'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { collectError } from './collect.js'
import { formatHtmlPage, formatJson, formatText } from './format.js'
import { createRedactor, DEFAULT_SECRET_PATTERN } from './redact.js'
import { genericErrorResponse } from './render.js'

const redactor = createRedactor(DEFAULT_SECRET_PATTERN)
const limits = { sourceContext: 0, maxFrames: 50, maxErrors: 10 }
const request = new Request('http://example.com/a?b=1')
const collect = (error: unknown, r = request) =>
  collectError(error, r, createContext(r), 'response', redactor, limits)

describe('collectError', () => {
  test('error properties are kept, secret-looking ones redacted', async () => {
    const error = Object.assign(new Error('connect failed'), {
      code: 'ECONNREFUSED',
      port: 5432,
      dbPassword: 'pw',
      nested: { x: 1 },
    })
    const report = await collect(error)
    expect(report.errors[0]!.properties).toEqual({
      code: 'ECONNREFUSED',
      port: '5432',
      dbPassword: '[redacted]',
    })
  })

  test('oversized messages and long chains are cut; cycles end', async () => {
    const huge = new Error('x'.repeat(1_000_000))
    expect((await collect(huge)).errors[0]!.message.length).toBeLessThan(5000)
    const a = new Error('a')
    const b = new Error('b', { cause: a })
    ;(a as { cause?: unknown }).cause = b
    expect((await collect(b)).errors.map((e) => e.message)).toEqual(['b', 'a'])
    let deep: Error = new Error('0')
    for (let i = 1; i < 100; i++) deep = new Error(String(i), { cause: deep })
    expect((await collect(deep)).errors).toHaveLength(10)
  })

  test('hostile thrown values (throwing getters, toJSON) are described, never rethrown', async () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap')
        },
        ownKeys: () => {
          throw new Error('trap')
        },
      },
    )
    const report = await collect(hostile)
    expect(report.errors[0]!.name).toMatch(/Unprintable|Non-error/)
    const bigint = await collect(10n)
    expect(bigint.errors[0]!.name).toBe('Non-error value (bigint)')
    expect(bigint.errors[0]!.message).toBe('10')
  })

  test('user content never adds markup to the debug page, and never reaches the production page (property)', async () => {
    const tags = (s: string) => (s.match(/</g) ?? []).length
    const pageFor = async (message: string, header: string) => {
      const r = new Request(`http://example.com/a?b=${encodeURIComponent(message)}`, {
        headers: header === '' ? {} : { 'x-user-data': header },
      })
      const report = await collect(new Error(message), r)
      return { r, report, page: formatHtmlPage(report) }
    }
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 100 }),
        async (message, value) => {
          const header = value.replace(/[\0\r\n]/g, '').trim()
          const { r, report, page } = await pageFor(message, header)
          // the same report without the user content: same frames, same structure
          const plain = {
            page: formatHtmlPage({
              ...report,
              errors: report.errors.map((e) => ({ ...e, message: '' })),
              request: {
                ...report.request,
                url: '',
                headers: report.request.headers.filter(([name]) => name !== 'x-user-data'),
              },
            }),
          }
          // the fixed structure has as many tags whatever the message and header say
          // (a header adds one table row: <tr><th></th><td></td></tr> is 6 more '<')
          expect(tags(page)).toBe(tags(plain.page) + (header === '' ? 0 : 6))
          expect(formatJson(report)).not.toContain('<')
          expect(formatText(report)).toContain(message)
          const production = await genericErrorResponse(
            r,
            report.incident,
            'An error occurred.',
          ).text()
          if (message.length > 3) expect(production).not.toContain(message)
        },
      ),
      { numRuns: 100 },
    )
  })
})
