import { type App, type Logger, pipe } from '@paste/core'
import { matrix, type TestFetch } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { fakeCas } from '../test/fake-cas.js'
import { type AuthCasOptions, authCas, casKey, memoryCasStore } from './index.js'

const BASE = 'https://app.example.org'

const echo: App = async (request, context) => {
  const login = context.get(casKey)
  const body = request.method === 'POST' ? await request.text() : null
  return Response.json({
    user: context.remoteUser ?? null,
    authType: context.authType ?? null,
    attributes: login?.attributes ?? null,
    body,
  })
}

function setup(options: Partial<AuthCasOptions> = {}, app: App = echo) {
  const cas = fakeCas()
  const make = () =>
    pipe(app, authCas({ server: cas.server, baseUrl: BASE, fetch: cas.fetch, ...options }))
  return { cas, make }
}

/** The path and query of an absolute URL on our base (what a browser would request next). */
const local = (location: string | null) => {
  expect(location?.startsWith(`${BASE}/`), String(location)).toBe(true)
  return location!.slice(BASE.length)
}

const loginCookie = (response: Response, name = '__Host-paste-cas') => {
  const header = response.headers.get('set-cookie') ?? ''
  const m = new RegExp(`^${name}=([A-Za-z0-9_-]{22});`).exec(header)
  expect(m, header).not.toBeNull()
  return `${name}=${m![1]}`
}

async function logIn(
  fetch: TestFetch,
  cas: ReturnType<typeof fakeCas>,
  path: string,
  attributes = {},
) {
  const first = await fetch(path)
  expect(first.status).toBe(303)
  const login = new URL(first.headers.get('location')!)
  const service = login.searchParams.get('service')!
  const ticket = cas.issue({ user: 'alice', service, attributes })
  const back = new URL(service)
  back.searchParams.set('ticket', ticket)
  const validated = await fetch(local(back.href))
  return { first, login, service, ticket, validated }
}

{
  const { cas, make } = setup()
  matrix(
    'CAS 3.0: login redirect, validation with attributes, clean redirect, remembered login',
    make,
    async (fetch) => {
      const attributes = {
        email: ['alice@example.org'],
        alias: ['al', 'ally'],
        note: ['a < b & "c"'],
      }
      const { first, login, service, ticket, validated } = await logIn(
        fetch,
        cas,
        '/docs/a%20b?x=1&y=a%26b',
        attributes,
      )
      // the service URL comes from baseUrl, not from the Host this request came with
      expect(`${login.origin}${login.pathname}`).toBe(`${cas.server}/login`)
      expect(service).toBe(`${BASE}/docs/a%20b?x=1&y=a%26b`)
      expect(first.headers.get('cache-control')).toBe('no-store')
      // validated at /p3/serviceValidate with the same service URL, every value URL-encoded
      const call = cas.calls.at(-1)!
      expect(call.pathname).toBe('/cas/p3/serviceValidate')
      expect(call.searchParams.get('service')).toBe(service)
      expect(call.searchParams.get('ticket')).toBe(ticket)
      expect(call.search).toContain(
        'service=https%3A%2F%2Fapp.example.org%2Fdocs%2Fa%2520b%3Fx%3D1%26y%3Da%2526b',
      )
      // back to the clean URL, with a login cookie
      expect(validated.status).toBe(303)
      expect(validated.headers.get('location')).toBe(service)
      const cookie = loginCookie(validated)
      expect(validated.headers.get('set-cookie')).toMatch(
        /; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=28800$/,
      )
      const page = await fetch('/docs/a%20b?x=1&y=a%26b', { headers: { cookie } })
      expect(await page.json()).toEqual({ user: 'alice', authType: 'cas', attributes, body: null })
      // the ticket is single-use: replaying it is a 401
      const replay = await fetch(`/docs?ticket=${ticket}`)
      expect(replay.status).toBe(401)
      expect(replay.headers.get('www-authenticate')).toBe(`CAS realm="${cas.server}"`)
    },
  )
}

for (const version of [1, 2] as const) {
  const { cas, make } = setup({ version, cookieName: 'sso' })
  matrix(`CAS ${version}.0 validation`, make, async (fetch) => {
    const { validated } = await logIn(fetch, cas, '/', { email: ['x'] })
    expect(cas.calls.at(-1)!.pathname).toBe(
      version === 1 ? '/cas/validate' : '/cas/serviceValidate',
    )
    const page = await fetch('/', { headers: { cookie: loginCookie(validated, 'sso') } })
    expect(await page.json()).toMatchObject({ user: 'alice', attributes: {} })
    const bad = await fetch('/?ticket=ST-unknown')
    expect(bad.status).toBe(401)
  })
}

{
  const { cas, make } = setup({ timeout: 200, maxResponseBytes: 4096 })
  matrix(
    'an unusable CAS server answer is a 502 that says nothing about it',
    make,
    async (fetch) => {
      for (const how of [
        'status500',
        'hang',
        'huge',
        'doctype',
        'latin1',
        'redirect',
        'html',
      ] as const) {
        cas.state.misbehave = how
        const response = await fetch('/?ticket=ST-1-abc', { headers: { accept: 'text/plain' } })
        expect(response.status, how).toBe(502)
        const text = await response.text()
        expect(text, how).not.toMatch(/secret|passwd|ST-1-abc|cas\.example/)
        expect(response.headers.get('set-cookie'), how).toBeNull()
      }
    },
  )
}

{
  const { cas, make } = setup()
  matrix(
    'malformed tickets and credentials are 401s, never 500s, and never reach the CAS server',
    make,
    async (fetch) => {
      const before = cas.calls.length
      for (const q of [
        'ticket=',
        'ticket=abc',
        'ticket=ST-1&ticket=ST-2',
        'ticket=ST-%ZZ',
        'ticket=ST-a%0d%0aSet-Cookie:%20x=1',
        `ticket=ST-${'a'.repeat(300)}`,
        'ticket=PGT-1',
      ]) {
        const response = await fetch(`/?${q}`)
        expect(response.status, q).toBe(401)
        expect(response.headers.get('set-cookie'), q).toBeNull()
      }
      expect(cas.calls.length).toBe(before)
      // hostile login cookies: treated as no login
      for (const cookie of [
        '__Host-paste-cas=',
        '__Host-paste-cas=../../etc',
        `__Host-paste-cas=${'x'.repeat(5000)}`,
        '__Host-paste-cas="a;b"',
        '__Host-paste-cas=__proto__',
      ]) {
        const response = await fetch('/', { headers: { cookie } })
        expect(response.status, cookie.slice(0, 30)).toBe(303)
      }
    },
  )
}

{
  const { cas, make } = setup()
  matrix(
    'single logout: the CAS server POST ends the local login; other POSTs reach the app intact',
    make,
    async (fetch) => {
      const { ticket, validated } = await logIn(fetch, cas, '/app')
      const cookie = loginCookie(validated)
      expect((await fetch('/app', { headers: { cookie } })).status).toBe(200)
      // an ordinary form POST from the logged-in user is the app's, body intact
      const post = await fetch('/app', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1&logoutRequest=x',
      })
      expect(await post.json()).toMatchObject({ user: 'alice', body: 'a=1&logoutRequest=x' })
      const saml = (t: string) =>
        `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"></saml:NameID><samlp:SessionIndex>${t}</samlp:SessionIndex></samlp:LogoutRequest>`
      const form = (t: string) => new URLSearchParams({ logoutRequest: saml(t) })
      // a logout naming another ticket changes nothing
      expect((await fetch('/app', { method: 'POST', body: form('ST-other') })).status).toBe(200)
      expect((await fetch('/app', { headers: { cookie } })).status).toBe(200)
      // a hostile logout request is a 400 and changes nothing
      const xxe = new URLSearchParams({
        logoutRequest: `<!DOCTYPE x [<!ENTITY t "${ticket}">]><samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><samlp:SessionIndex>&t;</samlp:SessionIndex></samlp:LogoutRequest>`,
      })
      expect((await fetch('/app', { method: 'POST', body: xxe })).status).toBe(400)
      expect((await fetch('/app', { headers: { cookie } })).status).toBe(200)
      // the real one ends the login
      const slo = await fetch('/app', { method: 'POST', body: form(ticket) })
      expect(slo.status).toBe(200)
      const after = await fetch('/app', { headers: { cookie } })
      expect(after.status).toBe(303)
      expect(after.headers.get('location')).toMatch(
        /^https:\/\/cas\.example\.org\/cas\/login\?service=/,
      )
    },
  )
}

{
  const { cas, make } = setup({ logoutFrom: ['192.0.2.1'] })
  matrix('logoutFrom: single-logout POSTs from elsewhere go to the app', make, async (fetch) => {
    const { ticket, validated } = await logIn(fetch, cas, '/')
    const cookie = loginCookie(validated)
    const body = new URLSearchParams({
      logoutRequest: `<LogoutRequest><SessionIndex>${ticket}</SessionIndex></LogoutRequest>`,
    })
    const response = await fetch('/', { method: 'POST', body })
    expect(response.status).toBe(401) // the app's POST, anonymous, on a protected path
    expect((await fetch('/', { headers: { cookie } })).status).toBe(200)
  })
}

{
  const { cas, make } = setup({
    protect: (_request, context) => context.pathInfo.startsWith('/private'),
    gateway: true,
    renew: true,
  })
  matrix('protect predicate, gateway once per browser session, renew', make, async (fetch) => {
    const open = await fetch('/public')
    expect(open.status).toBe(303)
    const gateway = new URL(open.headers.get('location')!)
    expect(gateway.searchParams.get('gateway')).toBe('true')
    expect(gateway.searchParams.get('renew')).toBeNull()
    expect(open.headers.get('set-cookie')).toBe(
      'paste-cas-gateway=1; Path=/; HttpOnly; SameSite=Lax; Secure',
    )
    // back from the gateway without a ticket: anonymous
    const anonymous = await fetch('/public', { headers: { cookie: 'paste-cas-gateway=1' } })
    expect(await anonymous.json()).toMatchObject({ user: null })
    // a protected path asks for a fresh login, and validation says renew
    const priv = await fetch('/private', { headers: { cookie: 'paste-cas-gateway=1' } })
    const login = new URL(priv.headers.get('location')!)
    expect(login.searchParams.get('renew')).toBe('true')
    const ticket = cas.issue({ user: 'alice', service: `${BASE}/private` })
    expect((await fetch(`/private?ticket=${ticket}`)).status).toBe(303)
    expect(cas.calls.at(-1)!.searchParams.get('renew')).toBe('true')
    // a POST cannot be redirected to a login page: 401
    expect((await fetch('/private', { method: 'POST', body: 'x' })).status).toBe(401)
  })
}

{
  const { cas, make } = setup({ logoutPath: '/logout' })
  matrix('local logout ends the login and goes to the CAS logout', make, async (fetch) => {
    const { validated } = await logIn(fetch, cas, '/')
    const cookie = loginCookie(validated)
    const out = await fetch('/logout', { headers: { cookie } })
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe(
      `${cas.server}/logout?service=${encodeURIComponent(`${BASE}/`)}`,
    )
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-paste-cas=; .*Max-Age=0$/)
    expect((await fetch('/', { headers: { cookie } })).status).toBe(303)
  })
}

{
  let transport: TestFetch | undefined
  const proxyApp: App = async (_request, context) =>
    Response.json({
      pt: await context.require(casKey).proxyTicket('https://backend.example.org/api'),
    })
  const { cas, make } = setup({ proxyCallbackPath: '/cas-proxy' }, proxyApp)
  cas.state.callback = (url) => transport!(local(url))
  matrix(
    'proxy tickets: the callback receives the PGT, the app gets a PT for another service',
    make,
    async (fetch) => {
      transport = fetch
      const { validated } = await logIn(fetch, cas, '/')
      expect(cas.calls.at(-1)!.searchParams.get('pgtUrl')).toBe(`${BASE}/cas-proxy`)
      const page = await fetch('/', { headers: { cookie: loginCookie(validated) } })
      const { pt } = (await page.json()) as { pt: string }
      expect(pt).toMatch(/^PT-/)
      expect(cas.tickets.get(pt)).toMatchObject({ service: 'https://backend.example.org/api' })
      expect(cas.calls.at(-1)!.searchParams.get('pgt')).toMatch(/^PGT-\d+-secret$/)
      // hostile callbacks are 400s
      for (const q of ['pgtIou=x&pgtId=PGT-1', 'pgtIou=PGTIOU-1&pgtId=<x>', 'pgtIou=PGTIOU-1'])
        expect((await fetch(`/cas-proxy?${q}`)).status, q).toBe(400)
      expect((await fetch('/cas-proxy')).status).toBe(200)
    },
  )
}

{
  const { cas, make } = setup({ allowedProxies: ['https://app.example.org/cas-proxy'] })
  matrix('proxy tickets are accepted only through allowed proxies', make, async (fetch) => {
    const good = cas.issue(
      { user: 'svc', service: `${BASE}/api`, proxies: ['https://app.example.org/cas-proxy'] },
      'PT',
    )
    expect((await fetch(`/api?ticket=${good}`)).status).toBe(303)
    expect(cas.calls.at(-1)!.pathname).toBe('/cas/p3/proxyValidate')
    const bad = cas.issue(
      { user: 'svc', service: `${BASE}/api`, proxies: ['https://evil.example/cb'] },
      'PT',
    )
    expect((await fetch(`/api?ticket=${bad}`)).status).toBe(401)
  })
}

describe('authCas', () => {
  test('logs no ticket and no cookie, and the login with its user', async () => {
    const lines: string[] = []
    const log = (m: string, d?: Record<string, unknown>) =>
      lines.push(`${m} ${JSON.stringify(d ?? {})}`)
    const logger: Logger = { error: log, warn: log, info: log, debug: log }
    const cas = fakeCas()
    const app = pipe(echo, authCas({ server: cas.server, baseUrl: BASE, fetch: cas.fetch }))
    const { createContext } = await import('@paste/core')
    const ticket = cas.issue({ user: 'alice', service: `${BASE}/` })
    const call = (url: string) => {
      const request = new Request(`http://localhost${url}`)
      return app(request, createContext(request, { logger }))
    }
    const ok = await call(`/?ticket=${ticket}`)
    expect(ok.status).toBe(303)
    expect(await (await call(`/?ticket=${ticket}`)).text()).not.toContain(ticket)
    cas.state.misbehave = 'status500'
    expect((await call('/?ticket=ST-2')).status).toBe(502)
    expect(lines.join('\n')).not.toMatch(/ST-|__Host/)
    expect(lines.join('\n')).toMatch(/login \{"user":"alice"\}/)
    expect(lines.join('\n')).toMatch(/ticket validation failed \{"reason":"answered 500"\}/)
  })

  test('bad configuration throws a TypeError naming the option', () => {
    const server = 'https://cas.example.org/cas'
    expect(() => authCas({ server: 'cas.example.org', baseUrl: BASE })).toThrow(
      /@paste\/auth-cas: server/,
    )
    expect(() => authCas({ server, baseUrl: 'https://app/?x' })).toThrow(/baseUrl/)
    expect(() => authCas({ server, baseUrl: BASE, version: 4 as never })).toThrow(/version/)
    expect(() => authCas({ server, baseUrl: BASE, timeout: 0 })).toThrow(/timeout/)
    expect(() => authCas({ server, baseUrl: 'http://app', cookieName: '__Host-x' })).toThrow(
      /__Host-/,
    )
    expect(() => authCas({ server, baseUrl: BASE, cookieName: 'a b' })).toThrow(/cookieName/)
    expect(() => authCas({ server, baseUrl: BASE, version: 1, proxyCallbackPath: '/cb' })).toThrow(
      /proxying/,
    )
    expect(() => authCas({ server, baseUrl: BASE, logoutPath: 'logout' })).toThrow(/logoutPath/)
    expect(() => authCas({ server, baseUrl: BASE, logoutFrom: ['nope'] })).toThrow(/logoutFrom/)
    expect(() =>
      authCas({ server, baseUrl: BASE, store: memoryCasStore({ maxLogins: 1 }) }),
    ).not.toThrow()
  })
})

{
  const { make } = setup()
  matrix(
    'arbitrary Cookie headers and queries are treated as anonymous, never a 500',
    make,
    async (fetch) => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ maxLength: 200 }),
          fc.string({ maxLength: 100 }),
          async (cookie, query) => {
            try {
              new Headers({ cookie })
            } catch {
              return true // not a valid header value: no client can send it
            }
            const response = await fetch(
              `/?${encodeURIComponent(query).replace(/%3D/g, '=').replace(/%26/g, '&')}`,
              { headers: { cookie: `__Host-paste-cas=${cookie}` } },
            )
            await response.arrayBuffer()
            return [303, 401].includes(response.status)
          },
        ),
        { numRuns: 60 },
      )
    },
  )
}
