/*
 * The whole flow against a real OpenID provider (oidc-provider on 127.0.0.1), driven by a
 * browser-like client: login redirect, the provider's login and consent pages, the callback,
 * the app seeing the user, logout at the provider. Each test runs in process and through
 * a loopback server.
 */
import { type App, pipe, silentLogger } from '@paste/core'
import { matrix, type TestFetch } from '@paste-tooling/testing'
import { afterAll, beforeAll, expect } from 'vitest'
import { type AuthOidcOptions, authOidc, oidcKey } from '../src/index.js'
import { Browser } from './browser.js'
import { APP, SECRET, startOp, type TestOp } from './op.js'

let op: TestOp
beforeAll(async () => {
  op = await startOp()
})
afterAll(() => op.close())

const echo: App = (request, context) =>
  Response.json({
    path: context.pathInfo + context.search,
    user: context.remoteUser ?? null,
    authType: context.authType ?? null,
    claims: context.get(oidcKey)?.claims ?? null,
    method: request.method,
  })

const KEY = 'cookie-key-cookie-key-cookie-key-cookie-key'
const make =
  (options: Partial<AuthOidcOptions> = {}) =>
  () =>
    pipe(
      echo,
      authOidc({
        issuer: op.issuer,
        clientId: 'rs',
        clientSecret: SECRET,
        baseUrl: APP,
        scope: ['email'],
        secrets: [KEY],
        ...options,
      }),
    )
const quiet = process.env.DEBUG_OIDC ? {} : { logger: silentLogger }

/** Logs `user` in from `path` through the provider's dev login and consent pages. */
async function logIn(fetch: TestFetch, path: string, user = 'alice') {
  const browser = new Browser(fetch, APP)
  const loginPage = await browser.go(path)
  expect(loginPage.url).toMatch(/\/interaction\//)
  expect(await loginPage.response.clone().text()).toContain('name="login"')
  const consent = await browser.submit(loginPage, { login: user, password: 'any' })
  expect(consent.url).toMatch(/\/interaction\//)
  const back = await browser.submit(consent, {})
  return { browser, back }
}

matrix(
  'login at a real OP (RS256, client_secret_basic), the app sees the user, logout at the OP',
  make(),
  async (fetch) => {
    const { browser, back } = await logIn(fetch, '/docs/a%20b?x=1&y=a%26b')
    // the browser is back where it started, logged in, with its claims
    expect(back.url).toBe(`${APP}/docs/a%20b?x=1&y=a%26b`)
    const body = (await back.response.json()) as { claims: unknown }
    expect(body).toMatchObject({ path: '/docs/a%20b?x=1&y=a%26b', user: 'alice', authType: 'oidc' })
    expect(body.claims).toMatchObject({
      sub: 'alice',
      email: 'alice@example.org',
      iss: op.issuer,
      aud: 'rs',
    })
    // the authorization request carried PKCE S256, state, nonce and the scopes
    const auth = new URL(browser.visited.find((u) => u.includes('/auth?'))!)
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256')
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(auth.searchParams.get('scope')).toBe('openid email')
    expect(auth.searchParams.get('redirect_uri')).toBe(`${APP}/oidc/callback`)
    expect(auth.searchParams.get('state')).not.toBe(auth.searchParams.get('nonce'))
    // replaying the callback URL (same state, same code, even with the old state cookie) is refused
    const callbackUrl = browser.visited.find((u) => u.startsWith(`${APP}/oidc/callback?`))!
    const replay = await browser.request(callbackUrl)
    expect(replay.status).toBe(400)
    // a later request is still logged in: the login cookie, __Host- on https, encrypted
    const jar = browser.cookies(new URL(APP).host)
    expect(jar.get('__Host-paste-oidc')).toMatch(/^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(jar.get('__Host-paste-oidc')).not.toContain('alice')
    const again = await browser.go('/other')
    expect(await again.response.json()).toMatchObject({ user: 'alice', path: '/other' })
    // logout: the cookie goes, the OP asks to confirm, then returns to the post-logout URI
    const confirm = await browser.go('/oidc/logout')
    expect(confirm.url).toMatch(/\/session\/end\?/)
    const endUrl = new URL(confirm.url)
    expect(endUrl.searchParams.get('post_logout_redirect_uri')).toBe(`${APP}/`)
    expect(endUrl.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3)
    expect(jar.has('__Host-paste-oidc')).toBe(false)
    const done = await browser.submit(confirm, { logout: 'yes' })
    // back at the app, logged out: protected, so sent to the OP's login page again
    expect(browser.visited).toContain(`${APP}/`)
    expect(done.url).toMatch(/\/interaction\//)
  },
  quiet,
)

matrix(
  'ES256 ID tokens with client_secret_post; explicit login path with return_to',
  make({
    clientId: 'es',
    tokenEndpointAuth: 'client_secret_post',
    protect: (_r, c) => c.pathInfo.startsWith('/private'),
  }),
  async (fetch) => {
    const browser0 = new Browser(fetch, APP)
    // unprotected pages are served anonymously
    const open = await browser0.go('/public')
    expect(await open.response.json()).toMatchObject({ user: null })
    const { back } = await logIn(fetch, '/oidc/login?return_to=%2Fwelcome%3Fa%3D1', 'bob')
    expect(back.url).toBe(`${APP}/welcome?a=1`)
    expect(await back.response.json()).toMatchObject({ user: 'bob', authType: 'oidc' })
  },
  quiet,
)

matrix(
  'a public client (PKCE, no secret), mounted below a prefix',
  () => {
    const inner = make({ clientId: 'public', tokenEndpointAuth: 'none', userClaim: 'email' })()
    return (request, context) =>
      context.pathInfo.startsWith('/mount')
        ? inner(request, context.shift('/mount'))
        : new Response('root')
  },
  async (fetch) => {
    const { browser, back } = await logIn(fetch, '/mount/page', 'carol')
    expect(back.url, await back.response.clone().text()).toBe(`${APP}/mount/page`)
    expect(await back.response.json()).toMatchObject({ user: 'carol@example.org', path: '/page' })
    expect(browser.visited.some((u) => u.startsWith(`${APP}/mount/oidc/callback?`))).toBe(true)
  },
  quiet,
)

matrix(
  'the user refuses at the OP: access_denied is a 403',
  make(),
  async (fetch) => {
    const browser = new Browser(fetch, APP)
    const loginPage = await browser.go('/')
    const html = await loginPage.response.text()
    const abort = /href="([^"]*\/abort)"/.exec(html)?.[1]
    expect(abort).toBeDefined()
    const denied = await browser.go(new URL(abort!, loginPage.url).href)
    expect(denied.url).toMatch(/\/oidc\/callback\?error=access_denied/)
    expect(denied.response.status).toBe(403)
    expect(await denied.response.text()).not.toContain('End-User')
  },
  quiet,
)

matrix(
  'a token endpoint refusal (wrong client secret) is a 401',
  make({ clientSecret: 'wrong-secret' }),
  async (fetch) => {
    const { back } = await logIn(fetch, '/')
    expect(back.url).toMatch(/\/oidc\/callback\?/)
    expect(back.response.status).toBe(401)
  },
  quiet,
)
