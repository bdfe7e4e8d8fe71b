import { type App, silentLogger } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { authBasic } from './index.js'

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')
const whoami: App = (_request, context) =>
  new Response(`${context.remoteUser ?? '-'} ${context.authType ?? '-'}`)

const users = { alice: 'wonderland', jöhn: 'pässword' }
const makeApp = () => authBasic({ realm: 'Test "Realm"', users })(whoami)
const opts = { logger: silentLogger }

function expectChallenge(response: Response) {
  expect(response.status).toBe(401)
  expect(response.headers.get('www-authenticate')).toBe(
    'Basic realm="Test \\"Realm\\"", charset="UTF-8"',
  )
}

matrix(
  'auth-basic challenges a request without credentials',
  makeApp,
  async (fetch) => {
    const response = await fetch('/')
    expectChallenge(response)
    expect(response.headers.get('cache-control')).toBe('no-store')
  },
  opts,
)

matrix(
  'auth-basic lets valid credentials through and sets the user',
  makeApp,
  async (fetch) => {
    const response = await fetch('/', {
      headers: { authorization: `Basic ${b64('alice:wonderland')}` },
    })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('alice basic')
    const utf8 = await fetch('/', { headers: { authorization: `Basic ${b64('jöhn:pässword')}` } })
    expect(await utf8.text()).toBe('jöhn basic')
  },
  opts,
)

matrix(
  'auth-basic refuses a wrong password or an unknown user',
  makeApp,
  async (fetch) => {
    for (const pair of [
      'alice:wrong',
      'alice:wonderlan',
      'alice:wonderland ',
      'bob:wonderland',
      'alice:',
    ]) {
      const response = await fetch('/', { headers: { authorization: `Basic ${b64(pair)}` } })
      expectChallenge(response)
      expect(await response.text()).not.toContain(pair.split(':')[1] || 'never')
    }
  },
  opts,
)

matrix(
  'auth-basic answers every malformed header with a 401, never a 500',
  makeApp,
  async (fetch) => {
    const hostile = [
      'Basic',
      'Basic ',
      'Basic !!!!',
      `Basic ${b64('nocolon')}`,
      `Basic ${Buffer.from([0x61, 0x3a, 0xff]).toString('base64')}`,
      `Basic ${b64('alice:wonderland')}extra`,
      'Digest username="alice"',
      `Basic ${'A'.repeat(6000)}`,
      'Basic %%%%',
    ]
    for (const authorization of hostile) {
      const response = await fetch('/', { headers: { authorization } })
      expectChallenge(response)
      const body = await response.text()
      expect(body).not.toContain('wonderland')
      expect(body).not.toMatch(/error|stack|at /i)
    }
  },
  opts,
)

describe('auth-basic', () => {
  test('an async check function gets the request and context', async () => {
    const seen: string[] = []
    const app = authBasic({
      realm: 'r',
      check: async (user, password, request, context) => {
        seen.push(`${user}|${new URL(request.url).pathname}|${context.pathInfo}`)
        return password === 'ok'
      },
    })(whoami)
    const { inProcessFetch } = await import('@paste-tooling/testing')
    const fetch = inProcessFetch(app, opts)
    expect((await fetch('/x', { headers: { authorization: `Basic ${b64('u:ok')}` } })).status).toBe(
      200,
    )
    expect((await fetch('/x', { headers: { authorization: `Basic ${b64('u:no')}` } })).status).toBe(
      401,
    )
    expect(seen).toEqual(['u|/x|/x', 'u|/x|/x'])
  })

  test('a check that returns a truthy non-boolean does not grant access', async () => {
    const { inProcessFetch } = await import('@paste-tooling/testing')
    const app = authBasic({ realm: 'r', check: (() => 'yes') as never })(whoami)
    const response = await inProcessFetch(app, opts)('/', {
      headers: { authorization: `Basic ${b64('u:p')}` },
    })
    expect(response.status).toBe(401)
  })

  test('random Authorization headers always get a 401 challenge, never a 500', async () => {
    const { inProcessFetch } = await import('@paste-tooling/testing')
    const fetch = inProcessFetch(makeApp(), opts)
    const latin1 = fc
      .string({ maxLength: 200 })
      .map((s) => s.replace(/[^\t\u0020-\u007e\u0080-\u00ff]/g, ''))
    await fc.assert(
      fc.asyncProperty(latin1, async (junk) => {
        for (const authorization of [junk, `Basic ${junk}`, `Basic ${b64(junk)}`]) {
          const response = await fetch('/', { headers: { authorization } })
          expect(response.status).toBe(401)
          expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/)
        }
      }),
      { numRuns: 200 },
    )
  })

  test('never logs the password', async () => {
    const lines: string[] = []
    const record = (m: string, d?: unknown) => lines.push(m + JSON.stringify(d ?? {}))
    const logger = { error: record, warn: record, info: record, debug: record }
    const { inProcessFetch } = await import('@paste-tooling/testing')
    const fetch = inProcessFetch(makeApp(), { logger })
    await fetch('/', { headers: { authorization: `Basic ${b64('alice:s3cret-attempt')}` } })
    await fetch('/', { headers: { authorization: `Basic ${b64('s3cret-attempt')}` } })
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.join('\n')).not.toContain('s3cret-attempt')
  })

  test('passes through when a user is already authenticated above', async () => {
    const app = makeApp()
    const { createContext } = await import('@paste/core')
    const request = new Request('http://localhost/')
    const context = createContext(request).derive({ remoteUser: 'carol', authType: 'cookie' })
    expect(await (await app(request, context)).text()).toBe('carol cookie')
  })

  test('charset can be turned off; the caller options are not changed', () => {
    const options = { realm: 'r', users: { a: 'b' }, charset: false }
    const frozen = JSON.stringify(options)
    authBasic(options)
    expect(JSON.stringify(options)).toBe(frozen)
  })

  test.each([
    [{}, /realm/],
    [{ realm: '' }, /realm/],
    [{ realm: 'a\nb', users: {} }, /realm/],
    [{ realm: 'r' }, /check or users/],
    [{ realm: 'r', users: {}, check: () => true }, /either/],
    [{ realm: 'r', check: 'yes' }, /check must be a function/],
  ])('bad configuration throws a TypeError naming the option (%j)', (options, message) => {
    expect(() => authBasic(options as never)).toThrow(TypeError)
    expect(() => authBasic(options as never)).toThrow(message)
    expect(() => authBasic(options as never)).toThrow(/@paste\/auth-basic/)
  })
})
