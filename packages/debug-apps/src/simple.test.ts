import { curl, matrix, rawRequest, startServer } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { simpleApp } from './simple.js'

const PAGE = '<html><body>simple</body></html>'

matrix('simpleApp answers every path with the same page', simpleApp, async (fetch) => {
  for (const path of ['/', '/deep/er/path', '/x?y=1']) {
    const response = await fetch(path)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-length')).toBe(String(PAGE.length))
    expect(await response.text()).toBe(PAGE)
  }
})

matrix('simpleApp answers HEAD with the headers alone', simpleApp, async (fetch) => {
  const response = await fetch('/', { method: 'HEAD' })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-length')).toBe(String(PAGE.length))
  expect(await response.text()).toBe('')
})

matrix('simpleApp answers any method, a body unread', simpleApp, async (fetch, transport) => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'FROB']) {
    const response = await fetch('/', { method, body: 'x'.repeat(10_000) })
    // Node's HTTP parser refuses a method it does not know before any App sees it
    const refused = transport === 'loopback' && method === 'FROB'
    expect(response.status).toBe(refused ? 400 : 200)
    if (!refused) expect(await response.text()).toBe(PAGE)
  }
})

matrix(
  'simpleApp escapes its text',
  () => simpleApp({ text: '<script>alert("x")</script> & co' }),
  async (fetch) => {
    const text = await (await fetch('/')).text()
    expect(text).toBe(
      '<html><body>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</body></html>',
    )
  },
)

describe('simpleApp', () => {
  test('refuses a text that is not a string', () => {
    expect(() => simpleApp({ text: 42 as unknown as string })).toThrow(
      /@paste\/debug-apps: text must be a string/,
    )
  })

  test('serves curl and a raw TRACE through a real server', async () => {
    const server = await startServer(simpleApp())
    try {
      const { stdout, code } = await curl([`${server.url}/anything`])
      expect(code).toBe(0)
      expect(stdout.toString()).toBe(PAGE)
      const raw = await rawRequest(server.url, '/', {}, 'TRACE')
      expect(raw.status).toBe(200)
      expect(raw.text).toBe(PAGE)
    } finally {
      await server.close()
    }
  })
})
