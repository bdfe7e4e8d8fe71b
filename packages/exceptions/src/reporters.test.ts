import { type App, pipe } from '@paste/core'
import { inProcessFetch, matrix } from '@paste-tooling/testing'
import { describe, expect, test, vi } from 'vitest'
import { memoryLogger, recorder } from '../test/helpers.js'
import {
  type ErrorReporter,
  emailReporter,
  errorMiddleware,
  loggerReporter,
  type MailMessage,
} from './index.js'

const boom: App = function failingHandler() {
  throw new Error('boom')
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('reporters', () => {
  test('the default reporter logs the report as text to the context logger', async () => {
    const logger = memoryLogger()
    const res = await inProcessFetch(pipe(boom, errorMiddleware()), { logger })('/p', {
      headers: { authorization: 'Bearer top-secret' },
    })
    expect(res.status).toBe(500)
    await until(() => logger.lines.length > 0, 'a log line')
    const [level, message, details] = logger.lines[0]!
    expect(level).toBe('error')
    expect(message).toMatch(/unhandled Error \(incident [0-9a-f-]{36}\)/)
    expect(details?.report).toContain('Thrown: Error: boom')
    expect(details?.report).toContain('at failingHandler (')
    expect(details?.report).not.toContain('top-secret')
    expect(await res.text()).toContain(String(details?.incident))
  })

  const throwingLogger = memoryLogger()
  const after = recorder()
  matrix(
    'a reporter that throws or rejects is logged; the others still run; the client gets its 500',
    () =>
      pipe(
        boom,
        errorMiddleware({
          reporters: [
            {
              report: () => {
                throw new Error('smtp down')
              },
            },
            { report: () => Promise.reject(new Error('queue full')) },
            after,
          ],
        }),
      ),
    async (fetch) => {
      const before = after.reports.length
      const n = throwingLogger.lines.length
      const res = await fetch('/')
      expect(res.status).toBe(500)
      await after.next(before + 1)
      await until(() => throwingLogger.lines.length >= n + 2, 'two failure logs')
      const failures = throwingLogger.lines
        .slice(n)
        .map(([, m, d]) => [m, (d?.error as Error).message])
      expect(failures).toEqual([
        ['@paste/exceptions: reporter failed', 'smtp down'],
        ['@paste/exceptions: reporter failed', 'queue full'],
      ])
    },
    { logger: throwingLogger },
  )

  test('a reporter that hangs delays nothing and is abandoned after reporterTimeout', async () => {
    const logger = memoryLogger()
    let started = false
    const hanging: ErrorReporter = {
      report: () => {
        started = true
        return new Promise<void>(() => {})
      },
    }
    const fetch = inProcessFetch(
      pipe(boom, errorMiddleware({ reporters: [hanging], reporterTimeout: 30 })),
      { logger },
    )
    // a fake clock: on a loaded machine the report (which reads source files) may take longer
    // than 30 ms to reach the reporter; setImmediate stays real to wait for it
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const res = await fetch('/')
      expect(res.status).toBe(500)
      const deadline = Date.now() + 5000
      while (!started && Date.now() < deadline) await new Promise((r) => setImmediate(r))
      expect(started).toBe(true)
      await vi.advanceTimersByTimeAsync(29)
      expect(logger.lines).toHaveLength(0)
      await vi.advanceTimersByTimeAsync(1)
      expect(logger.lines).toHaveLength(1)
    } finally {
      vi.useRealTimers()
    }
    expect(logger.lines[0]![1]).toBe('@paste/exceptions: reporter timed out')
    expect(logger.lines[0]![2]).toMatchObject({ timeoutMs: 30 })
  })

  test('a hanging reporter does not hold the debug page either', async () => {
    const hanging: ErrorReporter = { report: () => new Promise<void>(() => {}) }
    const fetch = inProcessFetch(
      pipe(boom, errorMiddleware({ debug: true, reporters: [hanging], reporterTimeout: 60_000 })),
    )
    const res = await fetch('/', { headers: { accept: 'text/plain' } })
    expect(await res.text()).toContain('Thrown: Error: boom')
  })

  test('loggerReporter with its own logger', async () => {
    const logger = memoryLogger()
    await inProcessFetch(pipe(boom, errorMiddleware({ reporters: [loggerReporter({ logger })] })))(
      '/',
    )
    await until(() => logger.lines.length > 0, 'a log line')
    expect(logger.lines[0]![0]).toBe('error')
  })
})

describe('emailReporter', () => {
  const sent: MailMessage[] = []
  const transport = { send: async (m: MailMessage) => void sent.push(m) }

  test('an error storm sends one mail per signature per window; the next carries the count', async () => {
    let now = 0
    let reads = 0 // the throttle reads the clock once per report it is given
    const mail = emailReporter({
      transport,
      from: 'errors@example.com',
      to: 'ops@example.com',
      windowMs: 60_000,
      now: () => {
        reads++
        return now
      },
    })
    const fetch = inProcessFetch(pipe(boom, errorMiddleware({ reporters: [mail] })), {
      logger: memoryLogger(),
    })
    const other = inProcessFetch(
      pipe(() => Promise.reject(new TypeError('other')), errorMiddleware({ reporters: [mail] })),
    )
    sent.length = 0
    for (let i = 0; i < 50; i++) expect((await fetch('/')).status).toBe(500)
    await other('/')
    // delivery is asynchronous (a real SMTP exchange): wait for both, on a busy machine too
    // reports follow the responses (they read source files first): all 51 must reach the
    // throttle before its clock moves on, on a busy machine too
    await until(() => reads >= 51, 'all 51 reports')
    await until(() => sent.length >= 2, 'the first two mails')
    expect(sent.map((m) => m.subject).sort()).toEqual([
      '[paste] Error: boom',
      '[paste] TypeError: other',
    ])
    now = 60_000
    await fetch('/')
    await until(() => sent.length === 3, 'the third mail')
    expect(sent[2]!.text).toContain('49 identical reports were suppressed before this one')
    const first = sent.find((m) => m.subject === '[paste] Error: boom')!
    expect(sent[2]!.headers['X-Paste-Signature']).toBe(first.headers['X-Paste-Signature'])
  })

  test('the subject is one line: CR/LF in a message cannot inject header fields', async () => {
    sent.length = 0
    const mail = emailReporter({
      transport,
      from: 'errors@example.com',
      to: ['a@example.com'],
      throttle: false,
    })
    const evil = pipe(
      () => {
        throw new Error('x\r\nBcc: victim@example.com\r\n\r\nbody')
      },
      errorMiddleware({ reporters: [mail] }),
    )
    await inProcessFetch(evil)('/')
    await until(() => sent.length === 1, 'the mail')
    expect(sent[0]!.subject).toBe('[paste] Error: x Bcc: victim@example.com body')
  })

  test.each([
    [{ from: 'errors@example.com', to: 'x@example.com' }, /transport must have a send\(\) method/],
    [{ transport, from: 'not an address', to: 'x@example.com' }, /from must be an email address/],
    [{ transport, from: 'a@example.com', to: [] }, /to must be one or more email addresses/],
    [{ transport, from: 'a@example.com', to: 'x@example.com\r\nBcc: y@example.com' }, /to must be/],
  ])('bad options %# throw a TypeError naming the package', (options, message) => {
    expect(() => emailReporter(options as never)).toThrow(message)
  })
})
