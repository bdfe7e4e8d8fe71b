import type { App, Middleware } from '@paste/core'
import { pipe } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { authMethodKey, authMulti, hasAuthorization, isBrowser, queryParameter } from './index.js'

const echo: App = (_request, context) =>
  Response.json({
    user: context.remoteUser ?? null,
    type: context.authType ?? null,
    method: context.get(authMethodKey) ?? null,
  })

/** A stand-in for a real method: asks with `scheme`, accepts the token `good`. */
const fake =
  (scheme: string): Middleware =>
  (app) =>
  (request, context) => {
    const header = request.headers.get('authorization') ?? ''
    if (header === `${scheme} good`)
      return app(request, context.derive({ remoteUser: 'alice', authType: scheme.toLowerCase() }))
    return new Response(`${scheme} please`, {
      status: 401,
      headers: { 'www-authenticate': `${scheme} realm="x"` },
    })
  }

const site = (fallback?: string | null) => () =>
  pipe(
    echo,
    authMulti({
      methods: [
        { name: 'digest', when: hasAuthorization('digest'), use: fake('Digest') },
        { name: 'basic', when: hasAuthorization('basic'), use: fake('Basic') },
        {
          name: 'digest-by-query',
          when: queryParameter('*authmeth', 'digest'),
          use: fake('Digest'),
        },
        { name: 'form', when: isBrowser, use: fake('Form') },
      ],
      ...(fallback === undefined ? {} : { default: fallback }),
    }),
  )

matrix('each request goes to the method its predicate picks', site('basic'), async (fetch) => {
  const digest = await fetch('/', { headers: { authorization: 'Digest good' } })
  expect(await digest.json()).toEqual({ user: 'alice', type: 'digest', method: 'digest' })
  const basic = await fetch('/', { headers: { authorization: 'Basic good' } })
  expect(await basic.json()).toEqual({ user: 'alice', type: 'basic', method: 'basic' })
  const browser = await fetch('/', { headers: { accept: 'text/html' } })
  expect(browser.status).toBe(401)
  expect(browser.headers.get('www-authenticate')).toBe('Form realm="x"')
  const byQuery = await fetch('/?*authmeth=digest', { headers: { accept: 'text/html' } })
  expect(byQuery.headers.get('www-authenticate')).toBe('Digest realm="x"')
  // an API client without credentials gets the default method's challenge
  const api = await fetch('/', { headers: { accept: 'application/json' } })
  expect(api.status).toBe(401)
  expect(api.headers.get('www-authenticate')).toBe('Basic realm="x"')
})

matrix(
  'malformed credentials get a 401 from the chosen method, never a 500',
  site('basic'),
  async (fetch) => {
    for (const authorization of [
      'Basic',
      'Basic !!!!',
      'Digest',
      'Digest foo',
      'Bearer x',
      `Basic ${'A'.repeat(10000)}`,
    ]) {
      const response = await fetch('/', { headers: { authorization } })
      expect(response.status, authorization.slice(0, 20)).toBe(401)
    }
  },
)

matrix(
  'without a default, unclaimed requests reach the app anonymously',
  site(null),
  async (fetch) => {
    const response = await fetch('/', { headers: { accept: 'application/json' } })
    expect(await response.json()).toEqual({ user: null, type: null, method: null })
  },
)

matrix('the default defaults to the first method', site(), async (fetch) => {
  const response = await fetch('/')
  expect(response.headers.get('www-authenticate')).toBe('Digest realm="x"')
})

describe('authMulti', () => {
  test('each method wraps the app once, at creation', () => {
    let wraps = 0
    const counting: Middleware = (app) => {
      wraps++
      return app
    }
    const app = authMulti({ methods: [{ name: 'a', when: () => true, use: counting }] })(echo)
    expect(wraps).toBe(1)
    expect(typeof app).toBe('function')
  })

  test('bad configuration is a TypeError naming the option', () => {
    const use: Middleware = (app) => app
    expect(() => authMulti({ methods: [] })).toThrow(/@paste\/auth-multi: methods/)
    expect(() =>
      authMulti({ methods: [{ name: 'a', when: () => true, use }], default: 'b' }),
    ).toThrow(/default names no method: b/)
    expect(() =>
      authMulti({
        methods: [
          { name: 'a', when: () => true, use },
          { name: 'a', when: () => true, use },
        ],
      }),
    ).toThrow(/methods\[1\]\.name/)
    expect(() => authMulti({ methods: [{ name: 'a', when: 'x' as never, use }] })).toThrow(
      /methods\[0\] needs/,
    )
  })
})
