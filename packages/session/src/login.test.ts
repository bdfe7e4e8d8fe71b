import { type App, loginKey, pipe, silentLogger } from '@paste/core'
import { inProcessFetch, matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { cookieClient, countingStore } from '../test/helpers.js'
import { getSession, memoryStore, type SessionStore, session, sessionLogin } from './index.js'

/**
 * A small site: `/login` (POST user=...) signs in and redirects, `/logout` signs out,
 * `/private` needs a user, `/` greets whoever context.remoteUser says.
 */
function site(store: SessionStore = memoryStore()) {
  const app: App = async (request, context) => {
    const url = new URL(request.url)
    if (url.pathname === '/login' && request.method === 'POST') {
      const form = new URLSearchParams(await request.text())
      await context.require(loginKey).login(form.get('user') ?? '', { tokens: ['editor'] })
      return new Response(null, { status: 303, headers: { location: '/private' } })
    }
    if (url.pathname === '/logout') {
      await context.require(loginKey).logout()
      return new Response(null, { status: 303, headers: { location: '/' } })
    }
    if (url.pathname === '/private' && !context.remoteUser)
      return new Response('login first', { status: 401 })
    if (url.pathname === '/cart') {
      const s = await getSession<{ cart: string[] }>(context)
      s.set('cart', [...(s.get('cart') ?? []), url.searchParams.get('add') ?? ''])
    }
    return new Response(`hello ${context.remoteUser ?? 'guest'} (${context.authType ?? '-'})`)
  }
  return pipe(app, session({ store }), sessionLogin())
}

const post = (user: string): RequestInit => ({
  method: 'POST',
  body: new URLSearchParams({ user }),
  redirect: 'manual',
})

describe('sessionLogin: a browser-like flow', () => {
  matrix(
    'login, the session survives requests, logout destroys it',
    () => site(),
    async (fetch) => {
      const browser = cookieClient(fetch)
      expect(await (await browser('/')).text()).toBe('hello guest (-)')
      expect((await browser('/private')).status).toBe(401)
      await browser('/cart?add=apple')
      const anonymous = browser.jar.get('sid')
      const login = await browser('/login', post('alice'))
      expect(login.status).toBe(303)
      expect(browser.jar.get('sid')).not.toBe(anonymous) // new id at login (fixation)
      for (let i = 0; i < 3; i++) {
        const page = await browser('/private')
        expect(page.status).toBe(200)
        expect(await page.text()).toBe('hello alice (session)')
      }
      await browser('/cart?add=pear')
      const logout = await browser('/logout', { redirect: 'manual' })
      expect(logout.status).toBe(303)
      expect(browser.jar.has('sid')).toBe(false)
      expect((await browser('/private')).status).toBe(401)
    },
    { logger: silentLogger },
  )

  matrix(
    'the pre-login cookie is worthless after login',
    () => site(),
    async (fetch) => {
      const browser = cookieClient(fetch)
      await browser('/cart?add=apple')
      const planted = browser.jar.get('sid')!
      await browser('/login', post('alice'))
      const attacker = await fetch('/private', { headers: { cookie: `sid=${planted}` } })
      expect(attacker.status).toBe(401)
    },
    { logger: silentLogger },
  )

  test('requests without a session cookie never reach the store', async () => {
    const counted = countingStore(memoryStore())
    const app = site(counted.store)
    const fetch = inProcessFetch(app, { logger: silentLogger })
    for (let i = 0; i < 5; i++) expect(await (await fetch('/')).text()).toBe('hello guest (-)')
    expect(counted.calls).toEqual({ get: 0, set: 0, destroy: 0, touch: 0 })
  })

  test('a login record of the wrong shape is not a user', async () => {
    const store = memoryStore()
    const app = site(store)
    const fetch = cookieClient(inProcessFetch(app, { logger: silentLogger }))
    await fetch('/cart?add=x')
    const id = fetch.jar.get('sid')!
    const record = await store.get(id)
    await store.set(
      id,
      { ...record!, data: { login: { user: 42 } }, version: record!.version + 1 },
      { ttl: 60_000 },
    )
    expect(await (await fetch('/')).text()).toBe('hello guest (-)')
  })
})
