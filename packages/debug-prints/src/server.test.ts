/*
 * The real thing: a server in its own process whose app uses the global console (as apps
 * do), and curl as the client. The page shows the request's output; the process's stdout
 * still gets it too (passThrough).
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ChildServer, curl, requireBuilt, startNodeServer } from '@paste-tooling/testing'
import { afterAll, beforeAll, expect, test } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const built = ['../dist/index.js', '../../httpserver/dist/index.js', '../../core/dist/index.js']
let server: ChildServer

beforeAll(async () => {
  requireBuilt(here, built, '@paste/debug-prints')
  server = await startNodeServer(join(here, '..', 'test', 'server.mjs'))
}, 30_000)

afterAll(() => server?.stop())

test('curl gets the page with what the request printed; the server log has it too', async () => {
  const { stdout: body, code } = await curl([`${server.url}/?name=curl`])
  expect(code).toBe(0)
  const html = body.toString()
  expect(html).toMatch(
    /^<!doctype html><html><body><pre id="paste-debug-prints-output"[^>]*><b>Printed during this request<\/b>\nhello curl from pid \d+\ncareful &lt;now&gt;\n<\/pre><h1>Hi<\/h1><\/body><\/html>$/,
  )
  expect(server.stdout()).toContain('hello curl from pid')
})

test('two clients at once each see only their own output', async () => {
  const [a, b] = await Promise.all([
    curl([`${server.url}/?name=alice`]),
    curl([`${server.url}/?name=bob`]),
  ])
  expect(a.stdout.toString()).toContain('hello alice')
  expect(a.stdout.toString()).not.toContain('bob')
  expect(b.stdout.toString()).toContain('hello bob')
  expect(b.stdout.toString()).not.toContain('alice')
})
