import { type App, createContext, type Logger, type Middleware, pipe } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { LintError, type LintRule, LintTracker, lint, lintTrackerKey } from './index.js'

interface LogRecord {
  level: string
  message: string
  details: Record<string, unknown> | undefined
}

function capture(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = []
  const at =
    (level: string) =>
    (message: string, details?: Record<string, unknown>): void => {
      records.push({ level, message, details })
    }
  return {
    records,
    logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') },
  }
}

const html = (body: string, init: ResponseInit = {}) =>
  new Response(body, {
    ...init,
    headers: { 'content-type': 'text/html; charset=utf-8', ...init.headers },
  })

/**
 * Proves one rule fires: in process the request rejects with a LintError naming the rule;
 * through a loopback server the client sees a 500 or a broken body; both log the rule.
 */
function violates(
  rule: LintRule,
  title: string,
  make: (checked: Middleware) => App,
  init: RequestInit & { path?: string } = {},
): void {
  const log = capture()
  matrix(
    `${rule}: ${title}`,
    () => make(lint()),
    async (fetch, transport) => {
      log.records.length = 0
      let thrown: unknown
      let status: number | undefined
      try {
        const response = await fetch(init.path ?? '/', init)
        status = response.status
        await response.arrayBuffer()
      } catch (error) {
        thrown = error
      }
      if (transport === 'in-process') {
        expect(thrown).toBeInstanceOf(LintError)
        expect((thrown as LintError).rule).toBe(rule)
        expect((thrown as LintError).message).toContain(`[${rule}]`)
      } else if (thrown === undefined) {
        expect(status).toBe(500)
      }
      const logged = log.records.filter((r) => r.level === 'error' && r.details?.rule === rule)
      expect(logged.length).toBeGreaterThan(0)
    },
    { logger: log.logger },
  )
}

const around = (app: App) => (checked: Middleware) => pipe(app, checked)

describe('each rule fires', () => {
  violates(
    'context',
    'pathInfo that is not normalised',
    (checked) =>
      pipe(
        () => html('x'),
        (app) => (request, context) => app(request, context.derive({ pathInfo: '/a/../b' })),
        checked,
      ),
    { path: '/b' },
  )
  violates('context', "scriptName '/' instead of ''", (checked) => {
    const inner = checked(() => html('x'))
    return (request, context) =>
      inner(request, Object.create(context, { scriptName: { value: '/' } }))
  })
  violates('context-url', 'pathInfo changed without a new Request', (checked) =>
    pipe(
      () => html('x'),
      (app) => (request, context) => app(request, context.derive({ pathInfo: '/elsewhere' })),
      checked,
    ),
  )
  violates(
    'request-body-read-twice',
    'the app reads the body twice',
    around(async (request) => {
      await request.text()
      return html(await request.text())
    }),
    { method: 'POST', body: 'hello' },
  )
  violates(
    'request-body-read-twice',
    'a middleware reads the body, then the app reads it again',
    (checked) =>
      pipe(
        async (request) => html(String((await request.formData()).get('a'))),
        checked,
        (app) => async (request, context) => {
          await request.text()
          return app(request, context)
        },
      ),
    { method: 'POST', body: new URLSearchParams({ a: '1' }) },
  )
  violates('response-type', 'the app returns a string', around((() => 'hello') as unknown as App))
  violates(
    'response-type',
    'the app returns undefined',
    around((() => undefined) as unknown as App),
  )
  violates('response-type', 'the app returns the same Response twice', (checked) => {
    const cached = html('cached')
    const app = checked(() => cached)
    return async (request, context) => {
      await (await app(request, context)).arrayBuffer()
      return app(request, context)
    }
  })
  violates(
    'status',
    'the app returns Response.error()',
    around(() => Response.error()),
  )
  violates(
    'header-name',
    'a CGI Status header',
    around(() => html('x', { headers: { status: '404 Not Found' } })),
  )
  violates(
    'header-value',
    'a control character in a value',
    around(() => html('x', { headers: { 'x-note': 'a\u0001b' } })),
  )
  violates(
    'hop-by-hop-header',
    'the app sets Keep-Alive',
    around(() => html('x', { headers: { 'keep-alive': 'timeout=5' } })),
  )
  violates(
    'set-cookie',
    'two cookies folded into one field',
    around(() => html('x', { headers: { 'set-cookie': 'a=1, b=2' } })),
  )
  violates(
    'set-cookie',
    'a cookie value with a space',
    around(() => html('x', { headers: { 'set-cookie': 'a=hello world; Path=/' } })),
  )
  violates(
    'body-forbidden',
    'a HEAD response with a body',
    around(() => html('<p>x</p>')),
    {
      method: 'HEAD',
    },
  )
  violates(
    'content-type',
    'bytes without a Content-Type',
    around(() => new Response(new TextEncoder().encode('raw'))),
  )
  violates(
    'content-type',
    'a malformed Content-Type',
    around(() => new Response('x', { headers: { 'content-type': 'text' } })),
  )
  violates(
    'content-type',
    'a Content-Type on a 204',
    around(() => new Response(null, { status: 204, headers: { 'content-type': 'text/plain' } })),
  )
  violates(
    'content-length',
    'Content-Length larger than the body',
    around(() => html('hello', { headers: { 'content-length': '10' } })),
  )
  violates(
    'content-length',
    'Content-Length smaller than the body',
    around(() => html('hello world', { headers: { 'content-length': '5' } })),
  )
  violates(
    'content-length',
    'a malformed Content-Length',
    around(() => html('hello', { headers: { 'content-length': '5, 5' } })),
  )
  violates(
    'content-length',
    'Content-Length on a 204',
    around(() => new Response(null, { status: 204, headers: { 'content-length': '0' } })),
  )
  violates(
    'location',
    'a 302 without Location',
    around(() => new Response(null, { status: 302 })),
  )
  violates(
    'location',
    'a Location with a raw space',
    around(() => new Response(null, { status: 303, headers: { location: '/a b' } })),
  )
  violates(
    'etag',
    'an unquoted ETag',
    around(() => html('x', { headers: { etag: 'abc123' } })),
  )
  violates(
    'body-chunk',
    'a body stream yielding strings',
    around(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue('text' as never)
              controller.close()
            },
          }),
          { headers: { 'content-type': 'text/plain' } },
        ),
    ),
  )
})

describe('body-abandoned through any transport: the outermost lint checks when its body is done', () => {
  // a filter that answers without reading or cancelling its inner app's response
  const replacing =
    (answer: () => Response): Middleware =>
    (app) =>
    async (request, context) => {
      await app(request, context)
      return answer()
    }
  violates('body-abandoned', 'an inner body dropped, outer body streamed', (checked) =>
    checked(replacing(() => html('outer'))(checked(() => html('inner body')))),
  )
  violates('body-abandoned', 'an inner body dropped, outer response without body', (checked) =>
    checked(
      replacing(() => new Response(null, { status: 303, headers: { location: '/' } }))(
        checked(() => html('inner body')),
      ),
    ),
  )
})

const correct: App = async (request, context) => {
  const path = context.pathInfo
  if (path === '/redirect')
    return new Response(null, {
      status: 302,
      headers: { location: `${context.scriptName}/page?x=%20y` },
    })
  if (path === '/empty') return new Response(null, { status: 204 })
  if (path === '/cookies') {
    const headers = new Headers({ 'content-type': 'text/plain', etag: 'W/"v1"' })
    headers.append('set-cookie', 'a=1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly')
    headers.append('set-cookie', 'b="quoted"; Max-Age=60; SameSite=Lax')
    return new Response('cookies', { headers })
  }
  if (path === '/echo') {
    const body = await request.text()
    return new Response(body, {
      headers: { 'content-type': 'text/plain', 'content-length': String(body.length) },
    })
  }
  if (path === '/stream') {
    const chunks = ['a', 'bb', 'ccc'].map((s) => new TextEncoder().encode(s))
    return new Response(
      new ReadableStream({
        pull(controller) {
          const next = chunks.shift()
          if (next) controller.enqueue(next)
          else controller.close()
        },
      }),
      { headers: { 'content-type': 'application/octet-stream', 'content-length': '6' } },
    )
  }
  const body = '<!doctype html><p>ok</p>'
  return new Response(request.method === 'HEAD' ? null : body, {
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) },
  })
}

describe('a correct app passes', () => {
  const log = capture()
  matrix(
    'every kind of response',
    () => pipe(correct, lint()),
    async (fetch) => {
      log.records.length = 0
      const page = await fetch('/')
      expect(page.status).toBe(200)
      expect(await page.text()).toBe('<!doctype html><p>ok</p>')
      const head = await fetch('/', { method: 'HEAD' })
      expect(head.status).toBe(200)
      expect(head.headers.get('content-length')).toBe('24')
      const redirect = await fetch('/redirect')
      expect(redirect.status).toBe(302)
      expect((await fetch('/empty')).status).toBe(204)
      const cookies = await fetch('/cookies')
      expect(cookies.headers.getSetCookie()).toHaveLength(2)
      expect(await cookies.text()).toBe('cookies')
      const echo = await fetch('/echo', { method: 'POST', body: 'ping' })
      expect(await echo.text()).toBe('ping')
      expect(await (await fetch('/stream')).text()).toBe('abbccc')
      expect(log.records).toEqual([])
    },
    { logger: log.logger },
  )
})

describe('options', () => {
  test('bad configuration throws a TypeError naming the option', () => {
    expect(() => lint({ mode: 'loud' as never })).toThrow(/@paste\/lint: mode/)
    expect(() => lint({ ignore: ['nope' as never] })).toThrow(
      /@paste\/lint: ignore: unknown rule "nope"/,
    )
  })

  test('warn mode logs the rule and lets the response through', async () => {
    const log = capture()
    const seen: LintError[] = []
    const app = pipe(
      () => html('x', { headers: { etag: 'bare' } }),
      lint({ mode: 'warn', logger: log.logger, onViolation: (e) => seen.push(e) }),
    )
    const request = new Request('http://localhost/')
    const response = await app(request, createContext(request))
    expect(await response.text()).toBe('x')
    expect(log.records).toHaveLength(1)
    expect(log.records[0]).toMatchObject({ level: 'warn', details: { rule: 'etag' } })
    expect(seen.map((e) => e.rule)).toEqual(['etag'])
  })

  test('violation messages never quote cookie values, bad header values or Location queries', async () => {
    const log = capture()
    const app = pipe(
      () => {
        const headers = new Headers({ 'content-type': 'text/plain', 'x-token': 'SECRET-A\u0001' })
        headers.append('set-cookie', 'sid=SECRET-B, other=1')
        headers.set('location', '/a b?ticket=SECRET-C')
        return new Response('x', { status: 302, headers })
      },
      lint({ mode: 'warn', logger: log.logger }),
    )
    const request = new Request('http://localhost/p?token=SECRET-D')
    await (await app(request, createContext(request))).arrayBuffer()
    expect(log.records.map((r) => r.details?.rule).sort()).toEqual([
      'header-value',
      'location',
      'set-cookie',
    ])
    expect(JSON.stringify(log.records)).not.toMatch(/SECRET/)
  })

  test('ignored rules are not checked', async () => {
    const app = pipe(() => html('x', { headers: { etag: 'bare' } }), lint({ ignore: ['etag'] }))
    const request = new Request('http://localhost/')
    const response = await app(request, createContext(request))
    expect(await response.text()).toBe('x')
  })

  test('errors thrown by the app pass through untouched', async () => {
    const thrown = Object.assign(new Error('gone'), { status: 410 })
    const app = pipe(() => {
      throw thrown
    }, lint())
    const request = new Request('http://localhost/')
    await expect(app(request, createContext(request))).rejects.toBe(thrown)
  })

  test('a LintError is a plain Error, not an HTTP error', () => {
    const error = new LintError('etag', 'x')
    expect(error).toBeInstanceOf(Error)
    expect(Object.getOwnPropertySymbols(error)).toEqual([])
    expect(error.name).toBe('LintError')
  })
})

describe('body-abandoned', () => {
  // a filter that replaces its inner app's response without cancelling the inner body
  const replacing: Middleware = (app) => async (request, context) => {
    await app(request, context)
    return html('replaced')
  }
  const cancelling: Middleware = (app) => async (request, context) => {
    const inner = await app(request, context)
    await inner.body?.cancel()
    return html('replaced')
  }

  test('a tracker reports an inner body dropped unread', async () => {
    const log = capture()
    const app = pipe(() => html('inner body'), replacing, lint({ logger: log.logger }))
    const request = new Request('http://localhost/x')
    const tracker = new LintTracker()
    const response = await app(request, createContext(request).with(lintTrackerKey, tracker))
    expect(await response.text()).toBe('replaced')
    expect(tracker.pending).toBe(1)
    const [error] = tracker.finish()
    expect(error).toBeInstanceOf(LintError)
    expect(error?.rule).toBe('body-abandoned')
    expect(error?.message).toContain('GET /x -> 200')
  })

  test('a cancelled or fully read body is not abandoned', async () => {
    const app = pipe(() => html('inner body'), cancelling, lint())
    const request = new Request('http://localhost/x')
    const tracker = new LintTracker()
    const response = await app(request, createContext(request).with(lintTrackerKey, tracker))
    expect(await response.text()).toBe('replaced')
    expect(tracker.finish()).toEqual([])
  })

  test('without a tracker, a body collected unread is reported to the logger', async () => {
    const gc = (globalThis as { gc?: () => void }).gc
    expect(gc, 'vitest runs this package with --expose-gc').toBeTypeOf('function')
    const log = capture()
    const app = pipe(() => html('inner body'), replacing, lint({ logger: log.logger }))
    const request = new Request('http://localhost/gc')
    await (await app(request, createContext(request))).text()
    for (let i = 0; i < 50 && log.records.length === 0; i++) {
      gc?.()
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(log.records.map((r) => r.details?.rule)).toContain('body-abandoned')
  })
})
