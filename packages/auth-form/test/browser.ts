/*
 * Test helpers: a browser with a cookie jar over a TestFetch, and a minimal remembering
 * filter (a plain cookie naming the user) standing in for auth-cookie / auth-tkt.
 */
import { type LoginManager, loginKey, type Middleware } from '@paste/core'
import { parseCookies } from '@paste/request'
import { setCookie } from '@paste/response'
import type { TestFetch } from '@paste-tooling/testing'

/** Remembers the user in an unsigned `who` cookie: for tests only. */
export const rememberInCookie: Middleware = (app) => async (request, context) => {
  const user = parseCookies(request.headers.get('cookie')).get('who')
  let pending: string | null | undefined
  const manager: LoginManager = {
    login: (name) => void (pending = name),
    logout: () => void (pending = null),
  }
  const inner = (user ? context.derive({ remoteUser: user, authType: 'cookie' }) : context).with(
    loginKey,
    manager,
  )
  const response = await app(request, inner)
  if (pending === undefined) return response
  return setCookie(response, 'who', pending ?? '', pending === null ? { maxAge: 0 } : {})
}

/** A browser: keeps cookies, never follows redirects by itself. */
export class Browser {
  readonly cookies = new Map<string, string>()
  constructor(private readonly fetch: TestFetch) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    // what a browser sends for navigations and form posts
    if (!headers.has('accept')) headers.set('accept', 'text/html,application/xhtml+xml,*/*;q=0.8')
    if (this.cookies.size && !headers.has('cookie'))
      headers.set('cookie', [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; '))
    const response = await this.fetch(path, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return response
  }

  /** GETs the login page and reads its hidden fields. */
  async loginForm(
    path = '/login',
  ): Promise<{ action: string; token: string; cameFrom: string; html: string }> {
    const response = await this.request(path)
    const html = await response.text()
    const field = (name: string) =>
      new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? ''
    const action = /<form action="([^"]*)"/.exec(html)?.[1] ?? ''
    return {
      action,
      token: field('csrf_token'),
      cameFrom: field('came_from').replace(/&amp;/g, '&'),
      html,
    }
  }

  /** Posts a urlencoded form. */
  post(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return this.request(path, { method: 'POST', body: new URLSearchParams(fields), headers })
  }
}
