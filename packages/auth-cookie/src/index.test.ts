import { type App, HTTP_ERROR, loginKey, silentLogger } from '@paste/core'
import { inProcessFetch, matrix } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test, vi } from 'vitest'
import {
  type AuthCookieLoginDetails,
  type AuthCookieOptions,
  authCookie,
  authCookieKey,
} from './index.js'

const secrets = ['a'.repeat(32)]
const opts = { logger: silentLogger }
const site: App = async (request, context) => {
  const url = new URL(request.url)
  const manager = context.require(loginKey) as {
    login(u: string, d?: AuthCookieLoginDetails): void
    logout(): void
  }
  if (url.pathname === '/login') {
    manager.login(url.searchParams.get('user') ?? 'alice', {
      tokens: ['editor'],
      userData: 'data',
      values: { session: 'abc' },
    })
    return new Response('in')
  }
  if (url.pathname === '/big') {
    manager.login('alice', { userData: 'x'.repeat(Number(url.searchParams.get('size') ?? 5000)) })
    return new Response('never')
  }
  if (url.pathname === '/logout') {
    manager.logout()
    return new Response('out')
  }
  if (url.pathname === '/redirect') {
    manager.login('bob')
    throw Object.assign(new Error('redirect'), {
      [HTTP_ERROR]: true,
      status: 303,
      expose: true,
      toResponse: () => new Response(null, { status: 303, headers: { location: '/' } }),
    })
  }
  const info = context.get(authCookieKey)
  return new Response(
    `${context.remoteUser ?? '-'} ${context.authType ?? '-'} ${info?.tokens.join(',') ?? ''} ${info?.values.session ?? ''}`,
  )
}
const make =
  (o: AuthCookieOptions = {}) =>
  () =>
    authCookie({ secrets, ...o })(site)
const setCookieOf = (r: Response, name = 'PASTE_AUTH_COOKIE') =>
  r.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))
const pair = (s: string) => s.split(';')[0]!

matrix(
  'auth-cookie: login sets a signed cookie that authenticates later requests',
  make(),
  async (fetch) => {
    const login = await fetch('/login')
    const set = setCookieOf(login)!
    expect(set).toMatch(/^PASTE_AUTH_COOKIE=v1\.[\w-]+\.[\w-]{43}; Path=\//)
    expect(set).toMatch(/HttpOnly/)
    expect(set).toMatch(/SameSite=Lax/)
    expect(set).not.toMatch(/Expires|Max-Age|Secure/) // a session cookie; expiry is on the server
    const me = await fetch('/', { headers: { cookie: pair(set) } })
    expect(await me.text()).toBe('alice cookie editor abc')
    expect(setCookieOf(me)).toBeUndefined()
  },
  opts,
)

matrix(
  'auth-cookie: sign-out deletes the cookie',
  make(),
  async (fetch) => {
    const cookie = pair(setCookieOf(await fetch('/login'))!)
    const out = await fetch('/logout', { headers: { cookie } })
    expect(setCookieOf(out)).toMatch(/^PASTE_AUTH_COOKIE=; .*Max-Age=0/)
  },
  opts,
)

matrix(
  'auth-cookie: tampered, truncated, extended and foreign cookies are anonymous, never 500',
  make(),
  async (fetch) => {
    const value = pair(setCookieOf(await fetch('/login'))!).slice('PASTE_AUTH_COOKIE='.length)
    const [, payload, signature] = value.split('.') as [string, string, string]
    const forged = Buffer.from(
      JSON.stringify({ u: 'admin', t: [], d: '', v: {}, e: 2e9 }),
    ).toString('base64url')
    for (const bad of [
      `v1.${forged}.${signature}`,
      value.slice(0, -2),
      `${value}xx`,
      `v1.${payload}.`,
      `v1.${payload.slice(1)}.${signature}`,
      'v1..',
      'garbage',
      '"quoted"',
      'x'.repeat(5000),
    ]) {
      const response = await fetch('/', { headers: { cookie: `PASTE_AUTH_COOKIE=${bad}` } })
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('- -  ')
    }
  },
  opts,
)

describe('auth-cookie', () => {
  const fetch = (o: AuthCookieOptions = {}) => inProcessFetch(make(o)(), opts)

  test('timeout: expired cookies are refused and deleted; old ones slide; fresh ones are left alone', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const f = fetch({ timeout: 600 })
      const cookie = pair(setCookieOf(await f('/login'))!)
      vi.setSystemTime(Date.now() + 100_000)
      expect(setCookieOf(await f('/', { headers: { cookie } }))).toBeUndefined()
      vi.setSystemTime(Date.now() + 300_000) // 400 s old: less than half left
      const slid = await f('/', { headers: { cookie } })
      expect(await slid.text()).toBe('alice cookie editor abc')
      const renewed = pair(setCookieOf(slid)!)
      vi.setSystemTime(Date.now() + 500_000) // 900 s after login, 500 s after the renewal
      expect(await (await f('/', { headers: { cookie: renewed } })).text()).toBe(
        'alice cookie editor abc',
      )
      const expired = await f('/', { headers: { cookie } })
      expect(await expired.text()).toBe('- -  ')
      expect(setCookieOf(expired)).toMatch(/Max-Age=0/)
    } finally {
      vi.useRealTimers()
    }
  })

  test('key rotation: cookies signed with an older key are accepted and re-signed', async () => {
    const oldCookie = pair(setCookieOf(await fetch({ secrets: ['o'.repeat(32)] })('/login'))!)
    const f = fetch({ secrets: ['n'.repeat(32), 'o'.repeat(32)] })
    const response = await f('/', { headers: { cookie: oldCookie } })
    expect(await response.text()).toBe('alice cookie editor abc')
    const resigned = pair(setCookieOf(response)!)
    expect(
      await (
        await fetch({ secrets: ['n'.repeat(32)] })('/', { headers: { cookie: resigned } })
      ).text(),
    ).toBe('alice cookie editor abc')
    expect(
      await (
        await fetch({ secrets: ['n'.repeat(32)] })('/', { headers: { cookie: oldCookie } })
      ).text(),
    ).toBe('- -  ')
  })

  test('maximum length: login refuses content that would not fit', async () => {
    await expect(fetch()('/big')).rejects.toThrow(RangeError)
    expect(setCookieOf(await fetch()('/big?size=2000'))).toBeDefined()
    await expect(fetch({ maxLength: 1000 })('/big?size=2000')).rejects.toThrow(/maxLength \(1000\)/)
  })

  test('a cookie is only valid under its own name and the default secret is per instance', async () => {
    const cookie = pair(setCookieOf(await fetch()('/login'))!)
    const renamed = cookie.replace('PASTE_AUTH_COOKIE', 'OTHER')
    expect(
      await (await fetch({ cookieName: 'OTHER' })('/', { headers: { cookie: renamed } })).text(),
    ).toBe('- -  ')
    const a = inProcessFetch(authCookie()(site), opts)
    const b = inProcessFetch(authCookie()(site), opts)
    const fromA = pair(setCookieOf(await a('/login'))!)
    expect(await (await a('/', { headers: { cookie: fromA } })).text()).toMatch(/^alice/)
    expect(await (await b('/', { headers: { cookie: fromA } })).text()).toBe('- -  ')
  })

  test('cookie options and Secure on https', async () => {
    const set = setCookieOf(
      await fetch({ domain: 'example.org', sameSite: 'Strict', path: '/app' })('/login', {
        headers: { host: 'evil.example' },
      }),
    )!
    expect(set).toMatch(/Domain=example\.org/)
    expect(set).toMatch(/Path=\/app/)
    expect(set).toMatch(/SameSite=Strict/)
    expect(set).not.toMatch(/evil/)
    expect(setCookieOf(await fetch()('https://localhost/login'))).toMatch(/Secure/)
  })

  test("SameSite=None or a __Secure-/__Host- name with secure 'auto' sets Secure even on http (no 500)", async () => {
    for (const options of [
      { sameSite: 'None' as const },
      { cookieName: '__Host-auth' },
      { cookieName: '__Secure-auth' },
    ]) {
      const response = await fetch(options)('http://localhost/login')
      expect(response.status, JSON.stringify(options)).toBe(200)
      expect(setCookieOf(response, options.cookieName), JSON.stringify(options)).toMatch(/; Secure/)
    }
  })

  test('a login page that throws a redirect still gets its cookie', async () => {
    const response = await fetch()('/redirect')
    expect(response.status).toBe(303)
    expect(setCookieOf(response)).toBeDefined()
  })

  test('random cookie headers never crash the filter', async () => {
    const f = fetch()
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (s) => {
        const response = await f('/', {
          headers: { cookie: `PASTE_AUTH_COOKIE=${s.replace(/[^\x21-\x7e]|;/g, 'a')}` },
        })
        expect(response.status).toBe(200)
        expect(await response.text()).toBe('- -  ')
      }),
      { numRuns: 200 },
    )
  })

  test.each([
    [{ secrets: [] }, /secrets/],
    [{ secrets: ['short'] }, /32 bytes/],
    [{ timeout: 0 }, /timeout/],
    [{ refresh: -1 }, /refresh/],
    [{ maxLength: 10 }, /maxLength/],
    [{ maxLength: 8000 }, /maxLength/],
    [{ cookieName: 'bad name' }, /cookieName/],
    [{ domain: 'bad domain' }, /cookie option/],
  ])('bad configuration throws a TypeError naming the option (%j)', (options, message) => {
    expect(() => authCookie(options as never)).toThrow(TypeError)
    expect(() => authCookie(options as never)).toThrow(message)
  })
})
