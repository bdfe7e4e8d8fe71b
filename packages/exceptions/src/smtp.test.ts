import type { AddressInfo } from 'node:net'
import { type App, pipe } from '@paste/core'
import { inProcessFetch, matrix } from '@paste-tooling/testing'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { memoryLogger } from '../test/helpers.js'
import { decodeWords, parseMessage } from '../test/mime.js'
import { emailReporter, errorMiddleware } from './index.js'
import { smtpTransport } from './smtp.js'

interface Received {
  from: string
  to: string[]
  user: string | undefined
  raw: string
}

const received: Received[] = []
let server: SMTPServer
let port = 0

beforeAll(async () => {
  // a real SMTP server (nodemailer's smtp-server) on loopback, with AUTH PLAIN/LOGIN
  server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'reporter' && auth.password === 'smtp-pass')
        callback(null, { user: auth.username })
      else callback(new Error('Invalid username or password'))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('latin1'),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.server.address() as AddressInfo).port
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

async function mails(count: number): Promise<Received[]> {
  const deadline = Date.now() + 10_000
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${received.length}`)
    await new Promise((r) => setTimeout(r, 10))
  }
  return received
}

const checkout: App = async function failingCheckout() {
  await Promise.resolve()
  throw new Error('payment gateway said <no> & "never" (5 €, 支払い)') // smtp-source-marker
}

const secret = (name: string) => [name, 'smtp', 'secret', 4242].join('-')

describe('email reports over a real SMTP exchange', () => {
  const logger = memoryLogger()
  matrix(
    'an unhandled error is mailed: subject, headers, text with the stack, no secrets',
    () => {
      const transport = smtpTransport({
        host: '127.0.0.1',
        port,
        ignoreTLS: true,
        auth: { user: 'reporter', pass: 'smtp-pass' },
        name: 'paste.test',
      })
      const mail = emailReporter({
        transport,
        from: 'errors@example.com',
        to: ['ops@example.com', 'dev@example.com'],
        subjectPrefix: '[shop] ',
        throttle: false,
      })
      return pipe(checkout, errorMiddleware({ reporters: [mail] }))
    },
    async (fetch) => {
      const before = received.length
      const res = await fetch(`/checkout?session_id=${secret('query')}`, {
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${secret('bearer')}`,
          cookie: `sid=${secret('cookie')}`,
          'x-csrf-token': secret('csrf'),
        },
      })
      expect(res.status).toBe(500)
      const { incident } = (await res.json()) as { incident: string }
      const mail = (await mails(before + 1))[before]!
      expect(mail.from).toBe('errors@example.com')
      expect(mail.to).toEqual(['ops@example.com', 'dev@example.com'])
      expect(mail.user).toBe('reporter')
      const { headers, parts } = parseMessage(mail.raw)
      expect(decodeWords(headers.get('subject') ?? '')).toBe(
        '[shop] Error: payment gateway said <no> & "never" (5 €, 支払い)',
      )
      expect(headers.get('from')).toBe('errors@example.com')
      expect(headers.get('to')).toBe('ops@example.com, dev@example.com')
      expect(headers.get('x-paste-incident')).toBe(incident)
      expect(headers.get('x-paste-signature')).toMatch(/^E-[0-9A-F]{16}$/)
      const text = parts.find((p) => p.headers.get('content-type')?.startsWith('text/plain'))!.body
      const html = parts.find((p) => p.headers.get('content-type')?.startsWith('text/html'))!.body
      expect(text).toContain(`Incident ${incident}`)
      expect(text).toContain('Thrown: Error: payment gateway said <no> & "never" (5 €, 支払い)')
      expect(text).toMatch(/at failingCheckout \(.*smtp\.test\.ts:\d+:\d+\)/)
      expect(text).toContain('// smtp-source-marker')
      expect(text).toContain('authorization: [redacted]')
      expect(html).toContain(
        'payment gateway said &lt;no&gt; &amp; &quot;never&quot; (5 €, 支払い)',
      )
      expect(html).toContain('<code class="fn">failingCheckout</code>')
      for (const value of ['query', 'bearer', 'cookie', 'csrf'].map(secret)) {
        expect(mail.raw).not.toContain(value)
        for (const part of parts) expect(part.body).not.toContain(value)
      }
    },
    { logger },
  )

  test('a storm of one error sends one mail through SMTP', async () => {
    const before = received.length
    const transport = smtpTransport({
      host: '127.0.0.1',
      port,
      ignoreTLS: true,
      auth: { user: 'reporter', pass: 'smtp-pass' },
    })
    const mail = emailReporter({ transport, from: 'errors@example.com', to: 'ops@example.com' })
    const fetch = inProcessFetch(pipe(checkout, errorMiddleware({ reporters: [mail] })), { logger })
    const hit = () => fetch('/')
    const statuses = await Promise.all(Array.from({ length: 30 }, hit))
    expect(statuses.every((r) => r.status === 500)).toBe(true)
    await mails(before + 1)
    await new Promise((r) => setTimeout(r, 300))
    expect(received.length).toBe(before + 1)
    transport.close()
  })

  test('an SMTP failure (bad credentials, refused connection) is logged, the client still gets its 500', async () => {
    const log = memoryLogger()
    const bad = smtpTransport({
      host: '127.0.0.1',
      port,
      ignoreTLS: true,
      auth: { user: 'reporter', pass: 'wrong' },
    })
    const refused = smtpTransport({ host: '127.0.0.1', port: 1, connectionTimeout: 2000 })
    const reporters = [bad, refused].map((transport) =>
      emailReporter({ transport, from: 'errors@example.com', to: 'ops@example.com' }),
    )
    const res = await inProcessFetch(pipe(checkout, errorMiddleware({ reporters })), {
      logger: log,
    })('/')
    expect(res.status).toBe(500)
    const deadline = Date.now() + 10_000
    while (log.lines.length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10))
    const errors = log.lines.map(([, m, d]) => `${m}: ${(d?.error as Error)?.message}`)
    expect(errors).toHaveLength(2)
    expect(errors.some((e) => /reporter failed: .*Invalid (login|username)/i.test(e))).toBe(true)
    expect(errors.some((e) => /reporter failed: .*ECONNREFUSED/.test(e))).toBe(true)
    // credentials never reach the log
    expect(JSON.stringify(log.lines.map(([, m]) => m))).not.toContain('wrong')
  })

  test('bad transport options throw a TypeError', () => {
    expect(() => smtpTransport({ port: 70000 })).toThrow(/@paste\/exceptions: smtpTransport port/)
  })
})
