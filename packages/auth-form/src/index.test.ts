import { type App, createContext, type Logger, type Middleware, pipe } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { Browser, rememberInCookie } from '../test/browser.js'
import { type AuthFormOptions, authForm, timingSafeEqual } from './index.js'

const SECRET = 'a test secret that is long enough!!'
const echo: App = (_request, context) =>
  Response.json({ user: context.remoteUser ?? null, authType: context.authType ?? null })
const check: AuthFormOptions['check'] = (user, password) =>
  (user === 'alice' && timingSafeEqual(password, 'wonderland')) ||
  (user === 'Bob' && password === 'pw' ? 'bob' : false)

const site =
  (options: Partial<AuthFormOptions> = {}, ...outer: Middleware[]) =>
  () =>
    pipe(echo, ...outer, rememberInCookie, authForm({ secret: SECRET, check, ...options }))

matrix(
  'the whole login: redirect, form, POST, remembered, back where the user came from',
  site(),
  async (fetch) => {
    const browser = new Browser(fetch)
    const first = await browser.request('/private/page?x=1&y=%2F')
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toBe(
      `/login?came_from=${encodeURIComponent('/private/page?x=1&y=%2F')}`,
    )
    const form = await browser.loginForm(first.headers.get('location')!)
    expect(form.action).toBe('/login')
    expect(form.cameFrom).toBe('/private/page?x=1&y=%2F')
    expect(browser.cookies.get('paste-csrf')).toBe(form.token)
    const posted = await browser.post('/login', {
      username: 'alice',
      password: 'wonderland',
      csrf_token: form.token,
      came_from: form.cameFrom,
    })
    expect(posted.status).toBe(303)
    expect(posted.headers.get('location')).toBe('/private/page?x=1&y=%2F')
    expect(browser.cookies.get('who')).toBe('alice')
    const page = await browser.request('/private/page?x=1&y=%2F')
    expect(await page.json()).toEqual({ user: 'alice', authType: 'cookie' })
  },
)

matrix('the login page is escaped, framed by nobody, never cached', site(), async (fetch) => {
  const browser = new Browser(fetch)
  const response = await browser.request(`/login?came_from=${encodeURIComponent("/a'b?q=%22")}`)
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'")
  const cookie = response.headers.get('set-cookie')!
  expect(cookie).toMatch(
    /^paste-csrf=v1\.[^;]+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Strict$/i,
  )
  const html = await response.text()
  expect(html).toContain('name="came_from" value="/a&#39;b?q=%22"')
  // a second page view reuses the token, so two open tabs both work
  const again = await browser.loginForm()
  expect(again.html).toContain(`value="${browser.cookies.get('paste-csrf')}"`)
  const head = await browser.request('/login', { method: 'HEAD' })
  expect(head.status).toBe(200)
  expect(await head.text()).toBe('')
  expect((await browser.request('/login', { method: 'PUT' })).headers.get('allow')).toBe(
    'GET, HEAD, POST',
  )
})

matrix(
  'hostile came_from values never become the redirect (no open redirect, no XSS)',
  site(),
  async (fetch) => {
    const hostile = [
      '//evil.example/',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      '"><script>alert(1)</script>',
      '/%2F%2Fevil.example',
      '/x\r\nSet-Cookie: a=b',
    ]
    for (const value of hostile) {
      const browser = new Browser(fetch)
      const form = await browser.loginForm(`/login?came_from=${encodeURIComponent(value)}`)
      expect(form.html, value).not.toContain('<script>alert')
      expect(form.html, value).not.toContain('evil.example')
      expect(form.cameFrom, value).toBe('/')
      // and posted directly, past the page
      const posted = await browser.post('/login', {
        username: 'alice',
        password: 'wonderland',
        csrf_token: form.token,
        came_from: value,
      })
      expect(posted.status, value).toBe(303)
      expect(posted.headers.get('location'), value).toBe('/')
    }
  },
)

matrix('CSRF: a login POST without a valid, matching token is a 403', site(), async (fetch) => {
  const browser = new Browser(fetch)
  const { token } = await browser.loginForm()
  const other = await new Browser(fetch).loginForm() // a valid token, but not this browser's cookie
  const good = { username: 'alice', password: 'wonderland' }
  const cases: [string, Record<string, string>, Record<string, string>][] = [
    ['no token', good, {}],
    ['another valid token', { ...good, csrf_token: other.token }, {}],
    [
      'a forged token',
      { ...good, csrf_token: token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) },
      {},
    ],
    ['no cookie', { ...good, csrf_token: token }, { cookie: 'other=1' }],
    [
      'forged token in both',
      {
        ...good,
        csrf_token:
          'v1.9999999999.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
      {
        cookie:
          'paste-csrf=v1.9999999999.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
    ],
    ['cross-site Origin', { ...good, csrf_token: token }, { origin: 'https://evil.example' }],
    [
      'cross-site fetch metadata',
      { ...good, csrf_token: token },
      { 'sec-fetch-site': 'cross-site' },
    ],
  ]
  for (const [name, fields, headers] of cases) {
    const response = await browser.post('/login', fields, headers)
    expect(response.status, name).toBe(403)
    expect(browser.cookies.has('who'), name).toBe(false)
  }
  // the refusals handed this browser a fresh token (its cookie was missing); the genuine form works
  const fresh = await browser.loginForm()
  expect((await browser.post('/login', { ...good, csrf_token: fresh.token })).status).toBe(303)
})

matrix(
  'malformed credentials are 401s with a Form challenge, never 500s',
  site(),
  async (fetch) => {
    const browser = new Browser(fetch)
    const { token } = await browser.loginForm()
    const bodies: [string, URLSearchParams, string | undefined][] = [
      ['no fields', new URLSearchParams({ csrf_token: token }), undefined],
      [
        'empty user',
        new URLSearchParams({ csrf_token: token, username: '', password: 'x' }),
        undefined,
      ],
      [
        'control characters',
        new URLSearchParams({ csrf_token: token, username: 'al\u0000ice', password: 'x' }),
        undefined,
      ],
      [
        'a huge user name',
        new URLSearchParams({ csrf_token: token, username: 'a'.repeat(5000), password: 'x' }),
        undefined,
      ],
    ]
    for (const [name, body, type] of bodies) {
      const response = await browser.request('/login', {
        method: 'POST',
        body,
        headers: type ? { 'content-type': type } : {},
      })
      expect(response.status, name).toBe(401)
      expect(response.headers.get('www-authenticate'), name).toBe('Form realm="login"')
    }
    const multipart = new FormData()
    multipart.set('csrf_token', token)
    multipart.set('username', 'alice')
    multipart.set('password', new File(['wonderland'], 'pw.txt'))
    expect(
      (await browser.request('/login', { method: 'POST', body: multipart })).status,
    ).toBeLessThan(500)
    // malformed bodies: no token can be read from them, so they are refused like a forged form
    for (const [name, body, type] of [
      [
        'bad UTF-8',
        new Uint8Array([0x75, 0x73, 0x65, 0x72, 0x3d, 0xff, 0xfe]),
        'application/x-www-form-urlencoded',
      ],
      ['text/plain', 'username=alice', 'text/plain'],
      ['bad boundary', '--x\r\n', 'multipart/form-data; boundary="'],
    ] as const) {
      const response = await browser.request('/login', {
        method: 'POST',
        body,
        headers: { 'content-type': type },
      })
      expect(response.status, name).toBe(403)
    }
    const huge = await browser.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ csrf_token: token, username: 'a', password: 'x'.repeat(20000) }),
    })
    expect(huge.status).toBe(413)
  },
)

matrix('arbitrary login bodies never crash the server', site(), async (fetch) => {
  const browser = new Browser(fetch)
  const { token } = await browser.loginForm()
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 300 }), fc.boolean(), async (body, withToken) => {
      const response = await browser.request('/login', {
        method: 'POST',
        body: withToken ? `csrf_token=${token}&${body}` : body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      await response.arrayBuffer()
      return [401, 403, 413].includes(response.status)
    }),
    { numRuns: 60 },
  )
})

matrix(
  'wrong password: 401, user name kept (escaped), password never logged',
  site(),
  async (fetch) => {
    const browser = new Browser(fetch)
    const { token } = await browser.loginForm()
    const response = await browser.post('/login', {
      username: 'alice"><b>',
      password: 'hunter2-secret',
      csrf_token: token,
    })
    expect(response.status).toBe(401)
    const html = await response.text()
    expect(html).toContain('value="alice&quot;&gt;&lt;b&gt;"')
    expect(html).toContain('Wrong user name or password.')
    expect(html).not.toContain('hunter2')
    // a canonical name from check
    const bob = await browser.post('/login', { username: 'Bob', password: 'pw', csrf_token: token })
    expect(bob.status).toBe(303)
    expect(browser.cookies.get('who')).toBe('bob')
  },
)

matrix(
  'login throttling: 429 with Retry-After after repeated failures',
  site({ rateLimit: { attempts: 3, window: 600 } }),
  async (fetch) => {
    const browser = new Browser(fetch)
    const { token } = await browser.loginForm()
    for (let i = 0; i < 3; i++)
      expect(
        (await browser.post('/login', { username: 'alice', password: 'no', csrf_token: token }))
          .status,
      ).toBe(401)
    const blocked = await browser.post('/login', {
      username: 'alice',
      password: 'wonderland',
      csrf_token: token,
    })
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(590)
    // another user from the same address is not locked out
    expect(
      (await browser.post('/login', { username: 'Bob', password: 'pw', csrf_token: token })).status,
    ).toBe(303)
  },
)

matrix(
  'logout: GET shows a button, POST with the token logs out, without it 403',
  site(),
  async (fetch) => {
    const browser = new Browser(fetch)
    const { token } = await browser.loginForm()
    await browser.post('/login', { username: 'alice', password: 'wonderland', csrf_token: token })
    expect(browser.cookies.get('who')).toBe('alice')
    const page = await browser.request('/logout')
    const html = await page.text()
    expect(html).toContain('<form action="/logout" method="post">')
    expect((await browser.post('/logout', {})).status).toBe(403)
    expect(browser.cookies.get('who')).toBe('alice')
    const out = await browser.post('/logout', { csrf_token: token })
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/')
    expect(browser.cookies.has('who')).toBe(false)
  },
)

matrix(
  'other methods on a protected path get 401 with the form; unprotected paths pass',
  site({ protect: (_r, c) => c.pathInfo.startsWith('/private') }),
  async (fetch) => {
    const post = await fetch('/private/x', { method: 'POST', body: 'a=1' })
    expect(post.status).toBe(401)
    expect(post.headers.get('www-authenticate')).toBe('Form realm="login"')
    expect(await post.text()).toContain('name="came_from" value="/private/x"')
    expect(await (await fetch('/public')).json()).toEqual({ user: null, authType: null })
  },
)

matrix(
  'mounted below a prefix, custom string template',
  () =>
    pipe((request, context) =>
      context.pathInfo.startsWith('/app')
        ? inner(request, context.shift('/app'))
        : new Response('outside'),
    ),
  async (fetch) => {
    const browser = new Browser(fetch)
    const first = await browser.request('/app/page')
    expect(first.headers.get('location')).toBe('/app/login?came_from=%2Fapp%2Fpage')
    const form = await browser.loginForm('/app/login?came_from=%2Fapp%2Fpage')
    expect(form.html).toBe(
      `<form action="/app/login" method="post"><input name="csrf_token" value="${form.token}"><input name="came_from" value="/app/page"></form>`,
    )
    const posted = await browser.post('/app/login', {
      username: 'alice',
      password: 'wonderland',
      csrf_token: form.token,
      came_from: '/app/page',
    })
    expect(posted.headers.get('location')).toBe('/app/page')
  },
)
const inner = pipe(
  echo,
  rememberInCookie,
  authForm({
    secret: SECRET,
    check,
    template:
      '<form action="{{action}}" method="post"><input name="csrf_token" value="{{csrf_token}}"><input name="came_from" value="{{came_from}}"></form>',
  }),
)

describe('authForm', () => {
  test('without a remembering filter, a good login is a logged 500 without details', async () => {
    const errors: string[] = []
    const logger: Logger = { error: (m) => errors.push(m), warn() {}, info() {}, debug() {} }
    const app = pipe(echo, authForm({ secret: SECRET, check }))
    const call = async (init?: RequestInit, cookie?: string) => {
      const request = new Request('http://localhost/login', {
        ...init,
        headers: { ...(cookie ? { cookie } : {}), ...(init?.headers as object) },
      })
      return app(request, createContext(request, { logger }))
    }
    const page = await call()
    const token = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]!
    const response = await call(
      {
        method: 'POST',
        body: new URLSearchParams({ username: 'alice', password: 'wonderland', csrf_token: token }),
      },
      `paste-csrf=${token}`,
    )
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('Internal Server Error\n')
    expect(errors[0]).toMatch(/no LoginManager/)
  })

  test('logs name the user, never the password or the token', async () => {
    const lines: string[] = []
    const log = (m: string, d?: Record<string, unknown>) =>
      lines.push(`${m} ${JSON.stringify(d ?? {})}`)
    const logger: Logger = { error: log, warn: log, info: log, debug: log }
    const app = site()()
    const call = async (init?: RequestInit, cookie?: string) => {
      const request = new Request('http://localhost/login', {
        ...init,
        headers: cookie ? { cookie } : {},
      })
      return app(request, createContext(request, { logger }))
    }
    const token = /name="csrf_token" value="([^"]+)"/.exec(await (await call()).text())![1]!
    for (const password of ['wrong-pass-1', 'wonderland'])
      await call(
        {
          method: 'POST',
          body: new URLSearchParams({ username: 'alice', password, csrf_token: token }),
        },
        `paste-csrf=${token}`,
      )
    const all = lines.join('\n')
    expect(all).toContain('rejected credentials {"user":"alice"}')
    expect(all).toContain('login {"user":"alice"}')
    expect(all).not.toMatch(/wrong-pass-1|wonderland|v1\./)
  })

  test('bad configuration throws a TypeError naming the option', () => {
    expect(() => authForm({ secret: SECRET } as never)).toThrow(/@paste\/auth-form: check/)
    expect(() => authForm({ secret: 'short', check })).toThrow(/secret must be at least 32 bytes/)
    expect(() => authForm({ secret: SECRET, check, loginPath: 'login' })).toThrow(/loginPath/)
    expect(() => authForm({ secret: SECRET, check, loginPath: '//evil' })).toThrow(/loginPath/)
    expect(() => authForm({ secret: SECRET, check, defaultRedirect: 'https://evil/' })).toThrow(
      /defaultRedirect/,
    )
    expect(() => authForm({ secret: SECRET, check, logoutPath: '/login' })).toThrow(/must differ/)
    expect(() => authForm({ secret: SECRET, check, template: '<form>{{action}}</form>' })).toThrow(
      /\{\{csrf_token\}\}/,
    )
    expect(() => authForm({ secret: SECRET, check, csrfTtl: 5 })).toThrow(/csrfTtl/)
    expect(() => authForm({ secret: SECRET, check, realm: 'a"b' })).toThrow(/realm/)
    expect(() => authForm({ secret: SECRET, check, rateLimit: { attempts: 0 } })).toThrow(
      /rateLimit.attempts/,
    )
  })
})

matrix(
  'hostile Cookie headers never crash the login and never pass the CSRF check',
  site(),
  async (fetch) => {
    const browser = new Browser(fetch)
    const { token } = await browser.loginForm()
    const cookieValue = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        `paste-csrf=${token}x`,
        `paste-csrf="${token}`,
        `paste-csrf=${token.slice(0, -1)}`,
        'paste-csrf=v1.1.a.b',
        `paste-csrf=${'A'.repeat(9000)}`,
      ),
    )
    await fc.assert(
      fc.asyncProperty(cookieValue, async (cookie) => {
        try {
          new Headers({ cookie })
        } catch {
          return true // not a valid header value: no client can send it
        }
        const response = await fetch('/login', {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie },
          body: new URLSearchParams({
            username: 'alice',
            password: 'wonderland',
            csrf_token: token,
          }),
        })
        await response.arrayBuffer()
        return response.status === 403
      }),
      { numRuns: 60 },
    )
  },
)
