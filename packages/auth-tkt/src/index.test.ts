import { type App, HTTP_ERROR, loginKey, silentLogger } from '@paste/core'
import { inProcessFetch, matrix } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  type AuthTktOptions,
  authTkt,
  authTktKey,
  createTicket,
  encodeCookieValue,
} from './index.js'

const secret = 'a-shared-secret-for-tests'
const opts = { logger: silentLogger }
const now = () => Math.floor(Date.now() / 1000)

/** A tiny site: /login signs in, /logout signs out, everything else says who you are. */
const site: App = async (request, context) => {
  const url = new URL(request.url)
  const manager = context.require(loginKey)
  if (url.pathname === '/login') {
    await manager.login(url.searchParams.get('user') ?? 'alice', {
      tokens: ['editor', 'admin'],
      userData: 'data 1',
    })
    return new Response('logged in')
  }
  if (url.pathname === '/logout') {
    await manager.logout()
    return new Response('bye')
  }
  if (url.pathname === '/redirect-login') {
    await manager.login('bob')
    throw Object.assign(new Error('see other'), {
      [HTTP_ERROR]: true,
      status: 303,
      expose: true,
      toResponse: () => new Response(null, { status: 303, headers: { location: '/' } }),
    })
  }
  const info = context.get(authTktKey)
  return new Response(
    `${context.remoteUser ?? '-'} ${context.authType ?? '-'} ${info?.tokens.join(',') ?? ''} ${info?.userData ?? ''}`,
  )
}
const make =
  (o: Partial<AuthTktOptions> = {}) =>
  () =>
    authTkt({ secret, ...o })(site)
const cookieOf = (response: Response, name = 'auth_tkt') =>
  response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))
const pair = (setCookie: string) => setCookie.split(';')[0]!
const ticket = (o: Partial<Parameters<typeof createTicket>[0]> = {}) =>
  createTicket({
    secret,
    userid: 'carol',
    ip: '127.0.0.1',
    digest: 'sha256',
    tokens: ['t'],
    time: now(),
    ...o,
  }).then(encodeCookieValue)

matrix(
  'auth-tkt: login sets a ticket cookie that authenticates later requests',
  make(),
  async (fetch) => {
    const login = await fetch('/login')
    expect(await login.text()).toBe('logged in')
    const set = cookieOf(login)!
    expect(set).toMatch(/^auth_tkt=[A-Za-z0-9+/=]+; Path=\//)
    expect(set).toMatch(/HttpOnly/)
    expect(set).toMatch(/SameSite=Lax/)
    expect(set).not.toMatch(/Domain=|Secure|Max-Age/i)
    const me = await fetch('/', { headers: { cookie: pair(set) } })
    expect(await me.text()).toBe('alice cookie editor,admin data 1')
    expect(cookieOf(me)).toBeUndefined() // a fresh ticket is not reissued
  },
  opts,
)

matrix(
  'auth-tkt: logout deletes the cookie',
  make(),
  async (fetch) => {
    const bye = await fetch('/logout', { headers: { cookie: `auth_tkt=${await ticket()}` } })
    expect(cookieOf(bye)).toMatch(/^auth_tkt=; .*Max-Age=0/)
  },
  opts,
)

matrix(
  'auth-tkt: bad, forged and foreign tickets are ignored, never a 500',
  make(),
  async (fetch) => {
    const good = await ticket()
    const plain = atob(good)
    const bad = [
      '',
      'garbage',
      good.slice(0, -4),
      `${good}AAAA`,
      encodeCookieValue(plain.replace('carol', 'carl')),
      encodeCookieValue(`${plain}x`),
      encodeCookieValue(plain.slice(0, 70)),
      encodeCookieValue(plain.replace(/^./, (c) => (c === '0' ? '1' : '0'))),
      await ticket({ ip: '10.0.0.1' }),
      await ticket({ secret: 'another-secret-entirely' }),
      await ticket({ digest: 'md5' }),
      await ticket({ time: now() - 7201 }),
      await ticket({ time: now() + 3600 }),
      '%21%21%21',
      '"unbalanced',
      'x'.repeat(5000),
    ]
    for (const value of bad) {
      const response = await fetch('/', { headers: { cookie: `auth_tkt=${value}` } })
      expect(response.status, value.slice(0, 40)).toBe(200)
      expect(await response.text()).toBe('- -  ')
    }
  },
  opts,
)

describe('auth-tkt', () => {
  const fetch = (o: Partial<AuthTktOptions> = {}, remoteAddress = '127.0.0.1') =>
    inProcessFetch(make(o)(), { ...opts, remoteAddress })

  test('an expired ticket is deleted; an old one is reissued; a fresh one is not', async () => {
    const f = fetch({ timeout: 600 })
    const expired = await f('/', {
      headers: { cookie: `auth_tkt=${await ticket({ time: now() - 601 })}` },
    })
    expect(cookieOf(expired)).toMatch(/Max-Age=0/)
    const old = await f('/', {
      headers: { cookie: `auth_tkt=${await ticket({ time: now() - 400 })}` },
    })
    expect(await old.text()).toBe('carol cookie t ')
    const renewed = cookieOf(old)!
    expect(renewed).not.toMatch(/Max-Age=0/)
    const again = await f('/', { headers: { cookie: pair(renewed) } })
    expect(await again.text()).toBe('carol cookie t ')
    expect(cookieOf(again)).toBeUndefined()
  })

  test('refresh: 0 never reissues', async () => {
    const f = fetch({ timeout: 600, refresh: 0 })
    const old = await f('/', {
      headers: { cookie: `auth_tkt=${await ticket({ time: now() - 599 })}` },
    })
    expect(await old.text()).toBe('carol cookie t ')
    expect(cookieOf(old)).toBeUndefined()
  })

  test('tickets signed with an old secret are accepted and reissued with the new one', async () => {
    const f = fetch({ secret: 'the-brand-new-secret!', oldSecrets: [secret] })
    const response = await f('/', { headers: { cookie: `auth_tkt=${await ticket()}` } })
    expect(await response.text()).toBe('carol cookie t ')
    const renewed = pair(cookieOf(response)!)
    const plain = atob(renewed.slice('auth_tkt='.length))
    const { parseTicket } = await import('./ticket.js')
    expect(await parseTicket('the-brand-new-secret!', plain, '127.0.0.1', 'sha256')).toMatchObject({
      userid: 'carol',
    })
  })

  test('IP binding: IPv4, IPv4-mapped and IPv6 clients; includeIp: false binds to 0.0.0.0', async () => {
    for (const address of ['10.1.2.3', '::ffff:10.1.2.3', '2001:db8::5']) {
      const f = fetch({}, address)
      const set = pair(cookieOf(await f('/login'))!)
      expect(await (await f('/', { headers: { cookie: set } })).text()).toMatch(/^alice /)
      expect(await (await fetch({}, '10.9.9.9')('/', { headers: { cookie: set } })).text()).toBe(
        '- -  ',
      )
    }
    const mapped = pair(cookieOf(await fetch({}, '10.1.2.3')('/login'))!)
    expect(
      await (await fetch({}, '::ffff:10.1.2.3')('/', { headers: { cookie: mapped } })).text(),
    ).toMatch(/^alice /)
    const anyIp = pair(cookieOf(await fetch({ includeIp: false }, '10.1.2.3')('/login'))!)
    expect(
      await (
        await fetch({ includeIp: false }, '192.0.2.9')('/', { headers: { cookie: anyIp } })
      ).text(),
    ).toMatch(/^alice /)
  })

  test('the digest configured is the digest issued (Paste always issued MD5)', async () => {
    for (const digest of ['md5', 'sha256', 'sha512'] as const) {
      const set = pair(cookieOf(await fetch({ digest })('/login'))!)
      const length = atob(set.slice('auth_tkt='.length)).indexOf('alice') - 8
      expect(length).toBe({ md5: 32, sha256: 64, sha512: 128 }[digest])
    }
  })

  test('cookie options: a configured domain, never the Host header; Secure on https; persistent maxAge', async () => {
    const f = fetch({ domain: 'example.org', maxAge: 3600, sameSite: 'Strict' })
    const set = cookieOf(await f('/login', { headers: { host: 'evil.example.net' } }))!
    expect(set).toMatch(/Domain=example\.org/)
    expect(set).not.toMatch(/evil/)
    expect(set).toMatch(/Max-Age=3600/)
    expect(set).toMatch(/SameSite=Strict/)
    const secure = inProcessFetch(make()(), { ...opts, remoteAddress: '127.0.0.1' })
    const response = await secure('https://localhost/login')
    expect(cookieOf(response)).toMatch(/Secure/)
    expect(cookieOf(await fetch()('/login'))).not.toMatch(/Secure/)
    expect(cookieOf(await fetch({ secure: true })('/login'))).toMatch(/Secure/)
  })

  test("SameSite=None or a __Secure-/__Host- name with secure 'auto' sets Secure even on http (no 500)", async () => {
    for (const options of [
      { sameSite: 'None' as const },
      { cookieName: '__Host-tkt' },
      { cookieName: '__Secure-tkt' },
    ]) {
      const response = await fetch(options)('http://localhost/login')
      expect(response.status, JSON.stringify(options)).toBe(200)
      expect(cookieOf(response, options.cookieName), JSON.stringify(options)).toMatch(/; Secure/)
    }
  })

  test('logoutPath signs out and serves the page anonymously', async () => {
    const f = fetch({ logoutPath: '/signout' })
    const response = await f('/signout', { headers: { cookie: `auth_tkt=${await ticket()}` } })
    expect(await response.text()).toBe('- -  ')
    expect(cookieOf(response)).toMatch(/Max-Age=0/)
  })

  test('a login page that throws a redirect still sets the cookie', async () => {
    const response = await fetch()('/redirect-login')
    expect(response.status).toBe(303)
    expect(cookieOf(response)).toMatch(/^auth_tkt=/)
  })

  test('login refuses what a ticket cannot carry, in the login page itself', async () => {
    const page: App = (_request, context) => {
      context.require(loginKey).login('x', { tokens: ['a,b'] })
      return new Response('unreachable')
    }
    const f = inProcessFetch(authTkt({ secret })(page), opts)
    await expect(f('/')).rejects.toThrow(/token/)
    const huge: App = (_request, context) => {
      context.require(loginKey).login('x', { tokens: ['t'], userData: 'd'.repeat(3000) })
      return new Response('unreachable')
    }
    await expect(inProcessFetch(authTkt({ secret })(huge), opts)('/')).rejects.toThrow(RangeError)
    const noAddress = inProcessFetch(make()(), { ...opts, remoteAddress: '' })
    await expect(noAddress('/login')).rejects.toThrow(/includeIp: false/)
    const ignoring = inProcessFetch(make({ includeIp: false })(), { ...opts, remoteAddress: '' })
    expect(cookieOf(await ignoring('/login'))).toBeDefined()
  })

  test('random cookie headers never crash the filter', async () => {
    const f = fetch()
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (value) => {
        const cookie = `auth_tkt=${value.replace(/[^\x21-\x7e]/g, 'a').replace(/;/g, '')}`
        const response = await f('/', { headers: { cookie } })
        expect(response.status).toBe(200)
        expect(await response.text()).toBe('- -  ')
      }),
      { numRuns: 200 },
    )
  })

  test.each([
    [{}, /secret/],
    [{ secret: '' }, /secret/],
    [{ secret, digest: 'sha1' }, /digest/],
    [{ secret, timeout: 0 }, /timeout/],
    [{ secret, refresh: 2 }, /refresh/],
    [{ secret, cookieName: 'a b' }, /cookieName/],
    [{ secret, domain: 'bad domain' }, /domain/],
    [{ secret, maxAge: -1 }, /maxAge/],
  ])('bad configuration throws a TypeError naming the option (%j)', (options, message) => {
    expect(() => authTkt(options as never)).toThrow(TypeError)
    expect(() => authTkt(options as never)).toThrow(message)
  })
})
