import { type App, createContext, type LoginManager, loginKey, pipe } from '@paste/core'
import { getSession, session } from '@paste/session'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { Browser } from '../test/browser.js'
import { authForm } from './index.js'
import { type SessionLike, sessionLogin } from './session-login.js'

const SECRET = 'a test secret that is long enough!!'
const echo: App = (_request, context) =>
  Response.json({ user: context.remoteUser ?? null, authType: context.authType ?? null })
const check = (user: string, password: string) => user === 'alice' && password === 'wonderland'

/** A tiny in-memory session (one browser), recording what the adapter does. */
function fakeSessions() {
  const values = new Map<string, unknown>()
  const events: string[] = []
  const session: SessionLike = {
    get: (k) => values.get(k),
    set: (k, v) => void values.set(k, v),
    delete: (k) => void values.delete(k),
    regenerate: async () => void events.push('regenerate'),
    destroy: async () => {
      events.push('destroy')
      values.clear()
    },
  }
  return { values, events, getSession: async () => session }
}

describe('sessionLogin with an in-test session', () => {
  test('login regenerates and stores the user; later requests are restored; logout destroys', async () => {
    const fake = fakeSessions()
    let manager: LoginManager | undefined
    const app = pipe(
      (request, context) => {
        manager = context.require(loginKey)
        return echo(request, context)
      },
      sessionLogin({ getSession: fake.getSession }),
    )
    const call = async (cookie?: string) => {
      const request = new Request('http://localhost/', cookie ? { headers: { cookie } } : {})
      return (await app(request, createContext(request))).json()
    }
    expect(await call()).toEqual({ user: null, authType: null })
    await manager!.login('alice', { tokens: ['admin'] })
    expect(fake.events).toEqual(['regenerate'])
    expect(fake.values.get('paste.auth.login')).toMatchObject({ user: 'alice', tokens: ['admin'] })
    // no cookie: the session is not even loaded
    expect(await call()).toEqual({ user: null, authType: null })
    expect(await call('x=1')).toEqual({ user: 'alice', authType: 'session' })
    await manager!.logout()
    expect(fake.events).toEqual(['regenerate', 'destroy'])
    expect(await call('x=1')).toEqual({ user: null, authType: null })
    await expect(manager!.login('')).rejects.toThrow(TypeError)
  })

  test('hostile session contents never log anyone in', async () => {
    for (const stored of [
      null,
      'alice',
      { user: '' },
      { user: 42 },
      ['alice'],
      { name: 'alice' },
    ]) {
      const app = pipe(
        echo,
        sessionLogin({
          getSession: async () => ({
            get: () => stored,
            set() {},
            delete() {},
            regenerate: async () => {},
            destroy: async () => {},
          }),
        }),
      )
      const request = new Request('http://localhost/', { headers: { cookie: 'sid=x' } })
      expect(
        await (await app(request, createContext(request))).json(),
        JSON.stringify(stored),
      ).toEqual({ user: null, authType: null })
    }
  })

  test('bad configuration throws a TypeError', () => {
    expect(() => sessionLogin({} as never)).toThrow(/getSession/)
    expect(() => sessionLogin({ getSession, key: '' })).toThrow(/key/)
  })
})

matrix(
  'authForm + sessionLogin + the real @paste/session: log in, stay logged in, new session id, log out',
  () => pipe(echo, session(), sessionLogin({ getSession }), authForm({ secret: SECRET, check })),
  async (fetch) => {
    const browser = new Browser(fetch)
    // a session exists before login (a planted or pre-login id)
    const first = await browser.request('/account')
    expect(first.status).toBe(303)
    const form = await browser.loginForm(first.headers.get('location')!)
    const before = browser.cookies.get('sid')
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
    // the old id (if there was one) does not carry the login
    if (before) {
      const stale = await fetch('/account', {
        redirect: 'manual',
        headers: { cookie: `sid=${before}` },
      })
      expect(stale.status).toBe(303)
    }
    const { token } = await browser.loginForm('/logout')
    expect((await browser.post('/logout', { csrf_token: token })).status).toBe(303)
    expect((await browser.request('/account')).status).toBe(303)
  },
)
