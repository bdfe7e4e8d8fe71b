import { type App, pipe } from '@paste/core'
import { escapeHtml } from '@paste/httpexceptions'
import { matrix } from '@paste-tooling/testing'
import { describe, expect } from 'vitest'
import { recorder } from '../test/helpers.js'
import { errorMiddleware } from './index.js'

const XSS = '<script>alert(1)</script>'

function lookup(id: string): never {
  throw new Error(`order ${id} not found ${XSS}`) // source-marker-7731
}

const chained: App = function chainedApp() {
  try {
    lookup('A"1')
  } catch (cause) {
    const aggregate = new AggregateError(
      [new TypeError('member one'), 'member two'],
      'all failed',
      { cause },
    )
    throw new Error('request failed', { cause: aggregate })
  }
}

const make = () =>
  pipe(
    chained,
    errorMiddleware({ debug: true, reporters: [recorder()], redactHeaders: ['x-tenant'] }),
  )
// built at run time, so the source lines the debug page shows never contain them literally
const secret = (name: string) => [name, 'secret', 'value', 7 * 191].join('-')
const SECRETS = ['basic', 'cookie', 'api', 'tenant', 'pw'].map(secret)
const headers = {
  accept: 'text/html',
  authorization: `Basic ${btoa(SECRETS[0]!)}`,
  cookie: `sid=${SECRETS[1]}`,
  'x-api-token': SECRETS[2]!,
  'x-tenant': SECRETS[3]!,
  'x-harmless': `plain <b>value</b>`,
}
const query = `password=${SECRETS[4]}`

describe('debug mode', () => {
  matrix(
    'the HTML page shows the error chain, frames with source, and the redacted request',
    make,
    async (fetch) => {
      const res = await fetch(`/shop/cart?${query}&page=2`, { headers })
      expect(res.status).toBe(500)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; style-src 'unsafe-inline'",
      )
      const page = await res.text()
      // the chain: thrown, its cause (an AggregateError), that one's members and cause
      const headings = [...page.matchAll(/<h2><small>(\w[\w ]*)<\/small> ([^<]*)/g)].map(
        (m) => `${m[1]} ${m[2]}`,
      )
      expect(headings).toEqual([
        'Thrown Error: request failed',
        'Caused by AggregateError: all failed',
        'Aggregated TypeError: member one',
        'Aggregated Non-error value (string): member two',
        `Caused by Error: ${escapeHtml(`order A"1 not found ${XSS}`)}`,
      ])
      // frames with function names and the source line of the throw, escaped
      expect(page).toContain('<code class="fn">lookup</code>')
      expect(page).toContain('<code class="fn">chainedApp</code>')
      expect(page).toMatch(
        /<tr class="current"><td class="n">\d+<\/td><td><code>[^<]*source-marker-7731/,
      )
      expect(page).toContain('debug.test.ts')
      // frames of the runtime and of node_modules are folded away, application frames are not
      const folded = [
        ...page.matchAll(
          /<li class="hidden"><details><summary><code class="fn">[^<]*<\/code> in <code>([^<]*)/g,
        ),
      ]
      expect(folded.length).toBeGreaterThan(0)
      for (const [, file] of folded) expect(file).toMatch(/^node:|node_modules|^&lt;native&gt;/)
      expect(page).toMatch(/<li><code class="fn">lookup<\/code>/)
      // the request, secrets redacted, everything escaped
      expect(page).toContain('/shop/cart?password=%5Bredacted%5D&amp;page=2')
      expect(page).toContain(escapeHtml('plain <b>value</b>'))
      for (const value of [...SECRETS, btoa(SECRETS[0]!)]) expect(page).not.toContain(value)
      expect(page).not.toContain('<script>')
      expect(page).not.toContain('<b>')
    },
  )

  matrix(
    'JSON and text renderings carry the same report, escaped and redacted',
    make,
    async (fetch) => {
      const json = await fetch(`/x?${query}`, {
        headers: { ...headers, accept: 'application/json' },
      })
      const raw = await json.text()
      expect(raw).not.toContain('<')
      const report = JSON.parse(raw) as import('./index.js').ErrorReport
      expect(report.errors.map((e) => e.name)).toEqual([
        'Error',
        'AggregateError',
        'TypeError',
        'Non-error value (string)',
        'Error',
      ])
      expect(report.errors.map((e) => e.depth)).toEqual([0, 1, 2, 2, 2])
      expect(report.errors[4]!.frames[0]).toMatchObject({ function: 'lookup' })
      expect(
        report.errors[4]!.frames[0]!.source?.some(
          (l) => l.current && l.text.includes('source-marker-7731'),
        ),
      ).toBe(true)
      expect(report.signature).toMatch(/^E-[0-9A-F]{16}$/)
      const text = await (
        await fetch('/', { headers: { ...headers, accept: 'text/plain' } })
      ).text()
      expect(text).toContain('Caused by: Error: order A"1 not found')
      expect(text).toMatch(/ at lookup \(.*debug\.test\.ts:\d+:\d+\)/)
      expect(text).toContain('authorization: [redacted]')
      for (const value of [...SECRETS, btoa(SECRETS[0]!)]) {
        expect(raw).not.toContain(value)
        expect(text).not.toContain(value)
      }
    },
  )
})
