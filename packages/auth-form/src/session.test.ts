import type { App } from '@paste/core'
import { pipe } from '@paste/core'
import { getSession, session, sessionLogin } from '@paste/session'
import { matrix } from '@paste-tooling/testing'
import { expect } from 'vitest'
import { Browser } from '../test/browser.js'
import { authForm } from './index.js'

// Remembering the login in a server-side session is @paste/session's sessionLogin(); this
// checks the whole flow with it: log in, stay logged in, new session id, log out.

const SECRET = 'a test secret that is long enough!!'
const echo: App = async (_request, context) => {
  // the public page keeps something in the session, so a session exists before login
  if (context.pathInfo === '/cart') (await getSession(context)).set('cart', ['apple'])
  return Response.json({ user: context.remoteUser ?? null, authType: context.authType ?? null })
}
const protect = (_request: Request, context: { pathInfo: string }) => context.pathInfo !== '/cart'
const check = (user: string, password: string) => user === 'alice' && password === 'wonderland'

matrix(
  'authForm + sessionLogin of @paste/session: log in, stay logged in, new session id, log out',
  () => pipe(echo, session(), sessionLogin(), authForm({ secret: SECRET, check, protect })),
  async (fetch) => {
    const browser = new Browser(fetch)
    // a session exists before login (a planted or pre-login id)
    expect((await browser.request('/cart')).status).toBe(200)
    const first = await browser.request('/account')
    expect(first.status).toBe(303)
    const form = await browser.loginForm(first.headers.get('location')!)
    const before = browser.cookies.get('sid')
    expect(before).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const posted = await browser.post('/login', {
      username: 'alice',
      password: 'wonderland',
      csrf_token: form.token,
      came_from: form.cameFrom,
    })
    expect(posted.status).toBe(303)
    expect(posted.headers.get('location')).toBe('/account')
    const after = browser.cookies.get('sid')
    expect(after).toBeTruthy()
    expect(after).not.toBe(before) // regenerated against session fixation
    expect(await (await browser.request('/account')).json()).toEqual({
      user: 'alice',
      authType: 'session',
    })
    // the pre-login id (which an attacker could have planted) does not carry the login
    const stale = await fetch('/account', {
      redirect: 'manual',
      headers: { cookie: `sid=${before}` },
    })
    expect(stale.status).toBe(303)
    const { token } = await browser.loginForm('/logout')
    expect((await browser.post('/logout', { csrf_token: token })).status).toBe(303)
    expect((await browser.request('/account')).status).toBe(303)
  },
)
