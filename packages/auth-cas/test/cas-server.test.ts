/*
 * Interop with a real CAS server (Debian's python3-django-cas-server): the browser's login
 * through its HTML form, validation by CAS 1.0, 2.0 and 3.0 (attributes), proxy tickets,
 * gateway, and single logout (logging out at the server POSTs to our service).
 */
import { type App, type Logger, pipe } from '@paste/core'
import { startServer } from '@paste-tooling/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type AuthCasOptions, authCas, casKey } from '../src/index.js'
import {
  CAS_ATTRIBUTES,
  CAS_PASSWORD,
  CAS_USER,
  type CasServer,
  startCasServer,
} from './cas-server.js'

/** A browser's cookie jar for one origin. */
class Jar {
  readonly cookies = new Map<string, string>()
  take(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (value === '' || attributes.some((a) => /^\s*max-age=0$/i.test(a)))
        this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return response
  }
  header(): Record<string, string> {
    return this.cookies.size
      ? { cookie: [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ') }
      : {}
  }
}

const unescapeHtml = (s: string) =>
  s.replace(
    /&(amp|quot|lt|gt|#x27|#39);/g,
    (_, e) => ({ amp: '&', quot: '"', lt: '<', gt: '>', '#x27': "'", '#39': "'" })[e as 'amp']!,
  )

let cas: CasServer
let app: Awaited<ReturnType<typeof startServer>>
const logged: string[] = []
const record = (message: string, details?: Record<string, unknown>) =>
  logged.push(`${message} ${JSON.stringify(details ?? {})}`)
const logger: Logger = { error: record, warn: record, info: record, debug: record }
const casJar = new Jar()
const appJar = new Jar()

const echo: App = async (_request, context) => {
  const login = context.get(casKey)
  return Response.json({
    user: context.remoteUser ?? null,
    authType: context.authType ?? null,
    attributes: login?.attributes ?? null,
  })
}

beforeAll(async () => {
  cas = await startCasServer()
  let site: App = () => new Response('starting', { status: 503 })
  app = await startServer((request, context) => site(request, context), { logger })
  const common = (prefix: string): AuthCasOptions => ({
    server: cas.url,
    baseUrl: app.url,
    cookieName: `cas-${prefix}`,
  })
  const proxying: App = async (_request, context) => {
    const pt = await context.require(casKey).proxyTicket(`${app.url}/backend/api`)
    return Response.json({ pt })
  }
  const mounts: Record<string, App> = {
    v1: pipe(echo, authCas({ ...common('v1'), version: 1 })),
    v2: pipe(echo, authCas({ ...common('v2'), version: 2 })),
    v3: pipe(echo, authCas({ ...common('v3'), version: 3, logoutPath: '/v3/logout' })),
    proxy: pipe(proxying, authCas({ ...common('proxy'), proxyCallbackPath: '/proxy/callback' })),
    backend: pipe(
      echo,
      authCas({ ...common('backend'), allowedProxies: [`${app.url}/proxy/callback`] }),
    ),
    gw: pipe(echo, authCas({ ...common('gw'), protect: false, gateway: true })),
    renew: pipe(echo, authCas({ ...common('renew'), renew: true })),
    sso: pipe(echo, authCas(common('sso'))),
  }
  site = (request, context) =>
    mounts[context.pathInfo.split('/')[1] ?? '']?.(request, context) ??
    new Response('no', { status: 404 })
}, 90_000)

afterAll(async () => {
  await app?.close()
  await cas?.stop()
})

/** GET at the app, as the browser would. */
const appGet = async (url: string) =>
  appJar.take(await fetch(url, { redirect: 'manual', headers: appJar.header() }))

let formsFilled = 0

/** Follows the CAS login for a service: the form the first time, SSO afterwards. */
async function casLogin(loginUrl: string): Promise<string> {
  const page = casJar.take(await fetch(loginUrl, { redirect: 'manual', headers: casJar.header() }))
  if (page.status === 302) return page.headers.get('location')!
  formsFilled++
  expect(page.status, cas.output()).toBe(200)
  const html = await page.text()
  const form = new URLSearchParams()
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g))
    form.set(m[1]!, unescapeHtml(m[2] ?? ''))
  expect(form.get('csrfmiddlewaretoken')).toBeTruthy()
  form.set('username', CAS_USER)
  form.set('password', CAS_PASSWORD)
  const posted = casJar.take(
    await fetch(loginUrl, {
      method: 'POST',
      redirect: 'manual',
      body: form,
      headers: { ...casJar.header(), referer: loginUrl },
    }),
  )
  expect(posted.status, await posted.clone().text()).toBe(302)
  return posted.headers.get('location')!
}

/** The whole browser flow for a protected URL; returns the page's JSON. */
async function browse(path: string) {
  const first = await appGet(`${app.url}${path}`)
  expect(first.status).toBe(303)
  const login = first.headers.get('location')!
  expect(login.startsWith(`${cas.url}/login?service=`)).toBe(true)
  const back = await casLogin(login)
  const ticket = new URL(back).searchParams.get('ticket')
  expect(ticket).toMatch(/^ST-/)
  const validated = await appGet(back)
  expect(validated.status, await validated.clone().text()).toBe(303)
  expect(validated.headers.get('location')).toBe(`${app.url}${path}`)
  const page = await appGet(validated.headers.get('location')!)
  expect(page.status).toBe(200)
  return page.json() as Promise<{
    user: string
    authType: string
    attributes: Record<string, string[]>
  }>
}

describe('against python3-django-cas-server', () => {
  test('CAS 3.0: form login, /p3/serviceValidate, attributes with entities decoded', async () => {
    const page = await browse('/v3/page?x=1&y=a%26b')
    expect(page.user).toBe(CAS_USER)
    expect(page.authType).toBe('cas')
    expect(page.attributes.email).toEqual([CAS_ATTRIBUTES.email])
    expect(page.attributes.alias).toEqual(CAS_ATTRIBUTES.alias)
    expect(page.attributes.note).toEqual([CAS_ATTRIBUTES.note])
  })

  test('CAS 2.0 (/serviceValidate) and CAS 1.0 (/validate), by single sign-on', async () => {
    expect(await browse('/v2/page')).toMatchObject({ user: CAS_USER, authType: 'cas' })
    expect(await browse('/v1/page')).toMatchObject({ user: CAS_USER, attributes: {} })
  })

  test('a ticket for another service or a replayed ticket is refused with 401', async () => {
    const login = `${cas.url}/login?service=${encodeURIComponent(`${app.url}/v3/other`)}`
    const back = await casLogin(login)
    const ticket = new URL(back).searchParams.get('ticket')!
    const wrongService = await fetch(`${app.url}/v3/page?ticket=${ticket}`, { redirect: 'manual' })
    expect(wrongService.status).toBe(401)
    const replay = await fetch(back, { redirect: 'manual' })
    expect(replay.status).toBe(401) // the server invalidated it on the first attempt
  })

  test('proxy tickets: PGT by callback, PT for a back end that accepts the proxy', async () => {
    const page = (await browse('/proxy/start')) as unknown as { pt: string }
    expect(page.pt).toMatch(/^PT-/)
    const backend = await fetch(`${app.url}/backend/api?ticket=${page.pt}`, { redirect: 'manual' })
    expect(backend.status).toBe(303)
    const cookie = backend.headers.getSetCookie()[0]!.split(';')[0]!
    const api = await fetch(`${app.url}/backend/api`, { headers: { cookie } })
    expect(await api.json()).toMatchObject({ user: CAS_USER })
  })

  test('renew: the server asks for the password again despite the SSO session', async () => {
    const before = formsFilled
    expect(await browse('/renew/page')).toMatchObject({ user: CAS_USER })
    expect(formsFilled).toBe(before + 1)
    const validation = await browse('/sso/page')
    expect(validation.user).toBe(CAS_USER)
    expect(formsFilled).toBe(before + 1) // plain logins still ride on SSO
  })

  test('single logout: logging out at the CAS server ends every local login', async () => {
    for (const path of ['/v1/page', '/v2/page', '/v3/page?x=1&y=a%26b'])
      expect((await appGet(`${app.url}${path}`)).status, path).toBe(200)
    const before = logged.length
    const out = casJar.take(
      await fetch(`${cas.url}/logout`, { redirect: 'manual', headers: casJar.header() }),
    )
    expect(out.status).toBeLessThan(400)
    // the server POSTed a SAML LogoutRequest to each service before answering
    const ended = logged
      .slice(before)
      .filter((l) => l === '@paste/auth-cas: single logout {"ended":true}')
    expect(ended.length).toBeGreaterThanOrEqual(3)
    for (const path of ['/v1/page', '/v2/page', '/v3/page?x=1&y=a%26b']) {
      const after = await appGet(`${app.url}${path}`)
      expect(after.status, `${path}\n${cas.output()}`).toBe(303)
      expect(after.headers.get('location')).toMatch(/\/cas\/login\?service=/)
    }
  })

  test('gateway: not logged in at the server, the browser comes back anonymous', async () => {
    const first = await appGet(`${app.url}/gw/home`)
    expect(first.status).toBe(303)
    const login = first.headers.get('location')!
    expect(new URL(login).searchParams.get('gateway')).toBe('true')
    const back = casJar.take(await fetch(login, { redirect: 'manual', headers: casJar.header() }))
    expect(back.status).toBe(302)
    expect(back.headers.get('location')).toBe(`${app.url}/gw/home`)
    const page = await appGet(back.headers.get('location')!)
    expect(await page.json()).toMatchObject({ user: null })
  })
})

describe('local logout against python3-django-cas-server', () => {
  test('ends the local login, then the CAS session (which sends its own single logout)', async () => {
    expect(await browse('/v3/page')).toMatchObject({ user: CAS_USER })
    const out = await appGet(`${app.url}/v3/logout`)
    expect(out.status).toBe(303)
    const location = out.headers.get('location')!
    expect(location).toBe(`${cas.url}/logout?service=${encodeURIComponent(`${app.url}/`)}`)
    expect(appJar.cookies.has('cas-v3')).toBe(false)
    const atServer = casJar.take(
      await fetch(location, { redirect: 'manual', headers: casJar.header() }),
    )
    expect(atServer.status).toBeLessThan(400)
    // the CAS session is over: the next login needs the form again
    const before = formsFilled
    await browse('/sso/after-logout')
    expect(formsFilled).toBe(before + 1)
  })
})
