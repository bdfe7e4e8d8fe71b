import { type App, loginKey, pipe } from '@paste/core'
import { TestApp } from '@paste/fixture'
import { describe, expect, test } from 'vitest'
import { getSession, memoryStore, session, sessionLogin } from './index.js'

const html = (body: string) =>
  new Response(`<!doctype html><html><head><title>demo</title></head><body>${body}</body></html>`, {
    headers: { 'content-type': 'text/html; charset=utf-8' },
  })
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A tiny site: a login form, a page counting visits, logout. */
const pages: App = async (request, context) => {
  const url = new URL(request.url)
  const user = context.remoteUser
  switch (url.pathname) {
    case '/login':
      if (request.method === 'POST') {
        const user = new URLSearchParams(await request.text()).get('user') ?? ''
        if (!/^[a-z]{1,20}$/.test(user)) return html('<p>bad user</p>')
        await context.require(loginKey).login(user)
        return new Response(null, { status: 303, headers: { location: '/' } })
      }
      return html(
        '<form method="post" action="/login"><input name="user"><button type="submit">Sign in</button></form>',
      )
    case '/logout':
      await context.require(loginKey).logout()
      return new Response(null, { status: 303, headers: { location: '/' } })
    case '/visits': {
      const s = await getSession<{ visits: number }>(context)
      s.set('visits', (s.get('visits') ?? 0) + 1)
      return html(`<p>visits: ${s.get('visits')}</p>`)
    }
  }
  return user
    ? html(
        `<p>Hello ${escapeHtml(user)}</p><a href="/visits">visits</a> <a href="/logout">Log out</a>`,
      )
    : html('<p>Hello guest</p><a href="/login">Log in</a>')
}

describe('a browser-like flow through @paste/fixture', () => {
  test('login, the session survives requests, logout destroys it', async () => {
    const store = memoryStore()
    const browser = new TestApp(pipe(pages, session({ store }), sessionLogin()))
    let page = await browser.get('/')
    page.mustContain('Hello guest')
    expect(browser.getCookie('sid')).toBeUndefined() // nothing stored, no cookie
    page = await page.click({ text: 'Log in' })
    page = await (await page.forms[0]!.set('user', 'alice').submit()).follow()
    page.mustContain('Hello alice')
    const sid = browser.getCookie('sid')
    expect(sid).toBeDefined()
    for (let i = 1; i <= 3; i++) {
      const visits = await page.click({ text: 'visits' })
      visits.mustContain(`visits: ${i}`)
      page = await browser.get('/')
      page.mustContain('Hello alice')
    }
    expect(browser.getCookie('sid')).toBe(sid)
    page = await (await page.click({ text: 'Log out' })).follow()
    page.mustContain('Hello guest')
    expect(browser.getCookie('sid')).toBeUndefined()
    expect(await store.get(sid!)).toBeUndefined()
    // the old cookie, replayed, is nobody
    browser.setCookie('sid', sid!)
    ;(await browser.get('/')).mustContain('Hello guest')
  })
})
