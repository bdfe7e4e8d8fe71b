import { connect } from 'node:net'
import { type App, pipe } from '@paste/core'
import { matrix, startServer } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test, vi } from 'vitest'
import { COMBINED } from '../test/combined.js'
import { type AccessLogEntry, transLogger } from './index.js'

function capture() {
  const lines: string[] = []
  return { lines, sink: (line: string, _entry: AccessLogEntry) => void lines.push(line) }
}

const ok: App = () => new Response('ok')

describe('log forging', () => {
  const log = capture()
  matrix(
    'quotes, backslashes and escape sequences in headers and path stay inside their fields',
    () => pipe(ok, transLogger({ sink: log.sink })),
    async (fetch, transport) => {
      log.lines.length = 0
      // undici refuses control characters in a header it sends; in process they get through
      const forged = `x" 200 1 "-" "-" \\${transport === 'in-process' ? ' \x1b[2J' : ''}`
      await (
        await fetch('/a"b/%0d%0aGET%20/admin?q="x"', {
          headers: { 'user-agent': forged, referer: 'http://a/"; rm -rf /' },
        })
      ).text()
      await vi.waitFor(() => expect(log.lines).toHaveLength(1))
      const line = log.lines[0]!
      expect(line).toMatch(/^[\x20-\x7e]*$/)
      const m = COMBINED.exec(line)
      expect(m).not.toBeNull()
      expect(m![5]).toBe('200')
      expect(m![4]).toBe('GET /a%22b/%0d%0aGET%20/admin?q=%22x%22 HTTP/1.1')
      expect(m![7]).toBe('http://a/\\"; rm -rf /')
      expect(m![8]).toBe(
        `x\\" 200 1 \\"-\\" \\"-\\" \\\\${transport === 'in-process' ? ' \\x1b[2J' : ''}`,
      )
    },
  )
  const users = capture()
  matrix(
    'a user name with CR/LF (from a login form) cannot start a new line',
    () =>
      pipe(
        ok,
        transLogger({
          sink: users.sink,
          user: () => 'eve\r\n127.0.0.1 - admin [x] "GET / HTTP/1.1" 200 -',
        }),
      ),
    async (fetch) => {
      users.lines.length = 0
      await (await fetch('/')).text()
      await vi.waitFor(() => expect(users.lines).toHaveLength(1))
      expect(users.lines[0]).not.toMatch(/[\r\n]/)
      expect(users.lines[0]).toMatch(/^127\.0\.0\.1 - eve\\r\\n127\.0\.0\.1 - admin \[x\] \\"GET/)
    },
  )
})

test('raw bytes on the wire: a UTF-8 user agent is logged as Apache does, \\xhh per byte', async () => {
  const log = capture()
  const server = await startServer(pipe(ok, transLogger({ sink: log.sink })))
  try {
    const { port } = new URL(server.url)
    const raw = Buffer.concat([
      Buffer.from('GET /raw HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nUser-Agent: caf'),
      Buffer.from('é', 'utf8'),
      Buffer.from('"\\\r\n\r\n'),
    ])
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(raw))
      let data = ''
      socket.on('data', (chunk) => (data += chunk.toString('latin1')))
      socket.on('end', () => resolve(data))
      socket.on('error', reject)
    })
    expect(reply).toMatch(/^HTTP\/1\.1 200/)
    await vi.waitFor(() => expect(log.lines).toHaveLength(1))
    expect(log.lines[0]).toMatch(/"caf\\xc3\\xa9\\"\\\\"$/)
  } finally {
    await server.close()
  }
})

test('property: any user agent, referer, user and path yield one parsable combined line', async () => {
  const { createContext } = await import('@paste/core')
  const byteString = fc.string({
    unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
    maxLength: 80,
  })
  await fc.assert(
    fc.asyncProperty(
      byteString,
      byteString,
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ maxLength: 40 }),
      async (userAgent, referer, user, path) => {
        const log = capture()
        const app = pipe(ok, transLogger({ sink: log.sink, user: () => user }))
        const headers = new Headers()
        // Headers refuse leading/trailing whitespace and DEL is fine: trim as a client would
        if (userAgent.trim() !== '') headers.set('user-agent', userAgent.trim())
        if (referer.trim() !== '') headers.set('referer', referer.trim())
        const request = new Request(`http://localhost/${encodeURIComponent(path)}`, { headers })
        await (await app(request, createContext(request))).text()
        await vi.waitFor(() => expect(log.lines).toHaveLength(1))
        expect(log.lines[0]).toMatch(/^[\x20-\x7e]*$/)
        expect(log.lines[0]).toMatch(COMBINED)
      },
    ),
    { numRuns: 200 },
  )
})
