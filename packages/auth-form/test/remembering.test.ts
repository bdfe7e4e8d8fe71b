/*
 * auth-form with the real remembering filters: @paste/auth-cookie and @paste/auth-tkt, and
 * under @paste/auth-multi next to @paste/auth-basic (browsers get the form, API clients Basic).
 */

import { authBasic } from '@paste/auth-basic'
import { authCookie } from '@paste/auth-cookie'
import { authMulti, hasAuthorization, isBrowser } from '@paste/auth-multi'
import { authTkt } from '@paste/auth-tkt'
import { type App, type Middleware, pipe } from '@paste/core'
import { matrix, type TestFetch } from '@paste-tooling/testing'
import { expect } from 'vitest'
import { authForm } from '../src/index.js'
import { Browser } from './browser.js'

const SECRET = 'a test secret that is long enough!!'
const echo: App = (_request, context) =>
  Response.json({ user: context.remoteUser ?? null, authType: context.authType ?? null })
const form = authForm({ secret: SECRET, check: (u, p) => u === 'alice' && p === 'wonderland' })

async function loginAndLogout(fetch: TestFetch, cookieName: string, authType: string) {
  const browser = new Browser(fetch)
  const first = await browser.request('/notes?id=7', { headers: { accept: 'text/html' } })
  expect(first.status).toBe(303)
  const page = await browser.loginForm(first.headers.get('location')!)
  const posted = await browser.post('/login', {
    username: 'alice',
    password: 'wonderland',
    csrf_token: page.token,
    came_from: page.cameFrom,
  })
  expect(posted.status).toBe(303)
  expect(posted.headers.get('location')).toBe('/notes?id=7')
  expect(browser.cookies.has(cookieName)).toBe(true)
  expect(await (await browser.request('/notes?id=7')).json()).toEqual({ user: 'alice', authType })
  // a tampered cookie is not a login
  const tampered = await fetch('/notes', {
    redirect: 'manual',
    headers: {
      accept: 'text/html',
      cookie: `${cookieName}=${browser.cookies.get(cookieName)!.slice(0, -2)}xx`,
    },
  })
  expect(tampered.status).toBe(303)
  const { token } = await browser.loginForm('/logout')
  expect((await browser.post('/logout', { csrf_token: token })).status).toBe(303)
  expect(browser.cookies.has(cookieName)).toBe(false)
  expect((await browser.request('/notes?id=7')).status).toBe(303)
}

matrix(
  'with @paste/auth-cookie remembering the user',
  () => pipe(echo, authCookie({ secrets: [SECRET] }), form),
  (fetch) => loginAndLogout(fetch, 'PASTE_AUTH_COOKIE', 'cookie'),
)

matrix(
  'with @paste/auth-tkt remembering the user',
  () => pipe(echo, authTkt({ secret: SECRET }), form),
  (fetch) => loginAndLogout(fetch, 'auth_tkt', 'cookie'),
)

const api: Middleware = authBasic({ realm: 'api', users: { robot: 'beep-boop-secret' } })
matrix(
  'with @paste/auth-multi: browsers get the form, API clients get Basic',
  () =>
    pipe(
      echo,
      authCookie({ secrets: [SECRET] }),
      authMulti({
        methods: [
          { name: 'basic', when: hasAuthorization('basic'), use: api },
          { name: 'form', when: isBrowser, use: form },
        ],
        default: 'basic',
      }),
    ),
  async (fetch) => {
    const robot = await fetch('/notes', {
      headers: { authorization: `Basic ${btoa('robot:beep-boop-secret')}` },
    })
    expect(await robot.json()).toEqual({ user: 'robot', authType: 'basic' })
    const anonymousApi = await fetch('/notes', { headers: { accept: 'application/json' } })
    expect(anonymousApi.status).toBe(401)
    expect(anonymousApi.headers.get('www-authenticate')).toMatch(/^Basic realm="api"/)
    for (const authorization of ['Basic', 'Basic !!!!', `Basic ${btoa('nocolon')}`])
      expect((await fetch('/notes', { headers: { authorization } })).status).toBe(401)
    await loginAndLogout(fetch, 'PASTE_AUTH_COOKIE', 'cookie')
  },
)
