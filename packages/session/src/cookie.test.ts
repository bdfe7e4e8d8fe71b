import { type App, pipe, silentLogger } from '@paste/core'
import { inProcessFetch, matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { setCookies } from '../test/helpers.js'
import { getSession, type SessionOptions, session } from './index.js'

const writer: App = async (_request, context) => {
  ;(await getSession(context)).set('a', 1)
  return new Response('ok')
}
const make = (options: SessionOptions) => pipe(writer, session(options))
const opts = { logger: silentLogger }

describe('cookie attributes', () => {
  matrix(
    'defaults: sid, Path=/, HttpOnly, SameSite=Lax, Max-Age = idle timeout, Expires, no Secure on http',
    () => make({}),
    async (fetch) => {
      const before = Date.now()
      const [c] = setCookies(await fetch('/'), 'sid')
      expect(c).toBeDefined()
      expect(c!.attributes.get('path')).toBe('/')
      expect(c!.attributes.has('httponly')).toBe(true)
      expect(c!.attributes.get('samesite')).toBe('Lax')
      expect(c!.attributes.get('max-age')).toBe('7200')
      const expires = Date.parse(c!.attributes.get('expires')!)
      expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 7199_000)
      expect(expires).toBeLessThanOrEqual(Date.now() + 7201_000)
      expect(c!.attributes.has('secure')).toBe(false)
      expect(c!.attributes.has('domain')).toBe(false)
      expect(c!.attributes.has('partitioned')).toBe(false)
    },
    opts,
  )

  test("secure: 'auto' sets Secure for https requests", async () => {
    const fetch = inProcessFetch(make({}), opts)
    const [c] = setCookies(await fetch('https://example.com/'), 'sid')
    expect(c!.attributes.has('secure')).toBe(true)
  })

  matrix(
    'every attribute can be set',
    () =>
      make({
        cookie: {
          name: 'app_session',
          path: '/app',
          domain: 'example.com',
          secure: true,
          httpOnly: false,
          sameSite: 'Strict',
          partitioned: true,
        },
        idleTimeout: 600,
      }),
    async (fetch) => {
      const [c] = setCookies(await fetch('/'), 'app_session')
      expect(c!.attributes.get('path')).toBe('/app')
      expect(c!.attributes.get('domain')?.replace(/^\./, '')).toBe('example.com')
      expect(c!.attributes.has('secure')).toBe(true)
      expect(c!.attributes.has('httponly')).toBe(false)
      expect(c!.attributes.get('samesite')).toBe('Strict')
      expect(c!.attributes.has('partitioned')).toBe(true)
      expect(c!.attributes.get('max-age')).toBe('600')
    },
    opts,
  )

  matrix(
    '__Host- cookies are Secure, Path=/, without Domain',
    () => make({ cookie: { name: '__Host-sid' } }),
    async (fetch) => {
      const [c] = setCookies(await fetch('/'), '__Host-sid')
      expect(c!.attributes.has('secure')).toBe(true)
      expect(c!.attributes.get('path')).toBe('/')
      expect(c!.attributes.has('domain')).toBe(false)
    },
    opts,
  )

  matrix(
    'SameSite=None forces Secure',
    () => make({ cookie: { sameSite: 'None' } }),
    async (fetch) => {
      const [c] = setCookies(await fetch('/'), 'sid')
      expect(c!.attributes.get('samesite')).toBe('None')
      expect(c!.attributes.has('secure')).toBe(true)
    },
    opts,
  )

  matrix(
    'persistent: false sends a browser-session cookie',
    () => make({ cookie: { persistent: false } }),
    async (fetch) => {
      const [c] = setCookies(await fetch('/'), 'sid')
      expect(c!.attributes.has('max-age')).toBe(false)
      expect(c!.attributes.has('expires')).toBe(false)
    },
    opts,
  )

  test('Max-Age never outlives the absolute lifetime', async () => {
    let now = 1_700_000_000_000
    const app = pipe(
      async (_r: Request, context) => {
        const s = await getSession(context)
        s.set('n', ((s.get('n') as number) ?? 0) + 1)
        return new Response(String(s.get('n')))
      },
      session({ idleTimeout: 3600, absoluteTimeout: 5400, now: () => now }),
    )
    const fetch = inProcessFetch(app, opts)
    const first = await fetch('/')
    const [c1] = setCookies(first, 'sid')
    expect(c1!.attributes.get('max-age')).toBe('3600')
    now += 3000_000
    const [c2] = setCookies(await fetch('/', { headers: { cookie: `sid=${c1!.value}` } }), 'sid')
    expect(c2!.value).toBe(c1!.value)
    expect(c2!.attributes.get('max-age')).toBe('2400')
  })
})

matrix(
  'the session cookie replaces one the app set under its name, and keeps the others',
  () =>
    pipe(async (_request, context) => {
      ;(await getSession(context)).set('a', 1)
      const headers = new Headers()
      headers.append('set-cookie', 'sid=planted; Path=/')
      headers.append('set-cookie', 'theme=dark; Path=/')
      return new Response('ok', { headers })
    }, session({})),
  async (fetch) => {
    const response = await fetch('/')
    const sids = setCookies(response, 'sid')
    expect(sids).toHaveLength(1)
    expect(sids[0]!.value).not.toBe('planted')
    expect(sids[0]!.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(setCookies(response, 'theme')).toHaveLength(1)
  },
  opts,
)

matrix(
  'without other cookies, exactly one Set-Cookie: the session id',
  () => make({}),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.headers.getSetCookie()).toHaveLength(1)
    expect(setCookies(response, 'sid')[0]!.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
  },
  opts,
)

test('reused cookie attributes: each line is exactly what serializeCookie gives, Secure and clock included', async () => {
  const { serializeCookie } = await import('@paste/response')
  let clock = 1_700_000_000_000
  const fetch = inProcessFetch(make({ now: () => clock }), opts)
  const expected = (line: string, secure: boolean) => {
    const id = line.slice(4, line.indexOf(';'))
    return serializeCookie('sid', id, {
      path: '/',
      secure,
      httpOnly: true,
      sameSite: 'Lax',
      maxAge: 7200,
      expires: new Date(clock + 7200_000),
    })
  }
  const lines: string[] = []
  for (const [url, secure, tick] of [
    ['http://example.com/', false, 0],
    ['http://example.com/', false, 0],
    ['https://example.com/', true, 0],
    ['http://example.com/', false, 0],
    ['http://example.com/', false, 1000],
    ['http://example.com/', false, 1],
  ] as const) {
    clock += tick
    const line = (await fetch(url)).headers.getSetCookie()[0]!
    expect(line).toBe(expected(line, secure))
    lines.push(line)
  }
  expect(new Set(lines.map((l) => l.slice(0, l.indexOf(';')))).size).toBe(lines.length)
})
