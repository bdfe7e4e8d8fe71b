/*
 * The real thing: @paste/httpserver on a loopback port, curl as the client, html-validate
 * as the validator.
 */
import { pipe } from '@paste/core'
import { type PasteServer, serve } from '@paste/httpserver'
import { curl } from '@paste-tooling/testing'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { debugValidate, REPORT_CLASS } from './index.js'

const VALID =
  '<!DOCTYPE html>\n<html lang="en"><head><title>t</title></head><body><p>ok</p></body></html>'
const pages: Record<string, string> = {
  '/valid': VALID,
  '/invalid': VALID.replace('<p>ok</p>', '<p>ok<foo q="<script>alert(1)</script>">x</foo></p>'),
}
let server: PasteServer

beforeAll(async () => {
  const app = pipe(
    (request: Request) => {
      const body = pages[new URL(request.url).pathname]
      return body === undefined
        ? new Response('not found', { status: 404 })
        : new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } })
    },
    debugValidate({ maxConcurrent: 1 }),
  )
  server = await serve(app, { port: 0, host: '127.0.0.1' })
})

afterAll(() => server?.close())

test('curl gets a valid page as it was, with an error count of 0', async () => {
  const { stdout, code } = await curl(['-i', `${server.url}/valid`])
  expect(code).toBe(0)
  const [head, body] = stdout.toString().split('\r\n\r\n')
  expect(body).toBe(VALID)
  expect(head).toMatch(/\r\nx-validate-errors: 0\r\n/i)
  expect(head).toMatch(new RegExp(`\\r\\ncontent-length: ${Buffer.byteLength(VALID)}\\r\\n`, 'i'))
})

test('curl gets an invalid page with the report, its markup escaped', async () => {
  const { stdout, code } = await curl(['-i', `${server.url}/invalid`])
  expect(code).toBe(0)
  const [head, body = ''] = stdout.toString().split('\r\n\r\n')
  expect(head).toMatch(/\r\nx-validate-errors: 1\r\n/i)
  expect(head).toMatch(new RegExp(`\\r\\ncontent-length: ${Buffer.byteLength(body)}\\r\\n`, 'i'))
  expect(body).toContain(`<section class="${REPORT_CLASS}"`)
  expect(body).toContain('&lt;foo&gt; is not a valid element name')
  expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  expect(body.match(/<script>/g)).toHaveLength(1) // the page's own, in its attribute
})

test('many clients at once all get their reports (one validation at a time)', async () => {
  const results = await Promise.all(
    Array.from({ length: 8 }, () => curl([`${server.url}/invalid`])),
  )
  for (const { stdout, code } of results) {
    expect(code).toBe(0)
    expect(stdout.toString()).toContain('HTML validation: 1 error, 0 warnings')
  }
})

test('curl -I (HEAD) gets headers only, nothing validated', async () => {
  const { stdout } = await curl(['-I', `${server.url}/invalid`])
  expect(stdout.toString()).not.toMatch(/x-validate-errors/i)
})
