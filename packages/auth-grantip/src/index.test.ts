import { type App, type Context, type Logger, pipe } from '@paste/core'
import { inProcessFetch, matrix, startServer } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { grantIp, rolesKey } from './index.js'

const echo: App = (_request, context) =>
  Response.json({
    address: context.remoteAddress,
    user: context.remoteUser ?? null,
    authType: context.authType ?? null,
    roles: context.get(rolesKey) ?? null,
  })

interface Echo {
  address: string
  user: string | null
}

const rules = [
  { match: ['127.0.0.0/8', '::1'], roles: ['system'] },
  { match: '192.168.0.0/24', roles: ['editor'] },
  { match: '192.168.0.7', user: 'joe' },
  { match: '192.168.0.10', user: null, roles: ['-editor'] },
  { match: '2001:db8::/32', user: 'lab', roles: ['lab'] },
]

const site =
  (extra: Parameters<typeof grantIp>[0] = {}) =>
  () =>
    pipe(echo, grantIp({ rules, deny: ['203.0.113.0/24', '2001:db8:bad::/48'], ...extra }))

/** An outer filter that authenticated `user` already, and granted `roles`. */
const upstream =
  (user: string, roles: string[]) => (app: App) => (request: Request, context: Context) =>
    app(request, context.derive({ remoteUser: user, authType: 'basic' }).with(rolesKey, roles))

const xff = (value: string) => ({ headers: { 'x-forwarded-for': value } })

matrix(
  'behind a trusted proxy, X-Forwarded-For decides the client and its grants',
  site(),
  async (fetch) => {
    const joe = await (await fetch('/', xff('192.168.0.7'))).json()
    expect(joe).toEqual({
      address: '192.168.0.7',
      user: 'joe',
      authType: 'grantip',
      roles: ['editor'],
    })
    const removed = await (await fetch('/', xff('192.168.0.10'))).json()
    expect(removed).toMatchObject({ user: null, roles: [] })
    const v6 = await (await fetch('/', xff('2001:db8::17'))).json()
    expect(v6).toMatchObject({ user: 'lab', roles: ['lab'] })
    const mapped = await (await fetch('/', xff('::ffff:192.168.0.7'))).json()
    expect(mapped).toMatchObject({ user: 'joe', roles: ['editor'] })
    // a chain: the proxy nearest us is trusted, the client before it is not
    const chain = await (await fetch('/', xff('192.168.0.7, 127.0.0.9'))).json()
    expect(chain).toMatchObject({ address: '192.168.0.7', user: 'joe' })
    const outsider = await (await fetch('/', xff('198.51.100.1'))).json()
    expect(outsider).toEqual({ address: '198.51.100.1', user: null, authType: null, roles: null })
  },
  { trustProxy: ['loopback'] },
)

matrix(
  'behind a trusted proxy, denied addresses and networks get 403',
  site(),
  async (fetch) => {
    for (const address of ['203.0.113.9', '::ffff:203.0.113.9', '2001:db8:bad::1']) {
      const response = await fetch('/', xff(address))
      expect(response.status).toBe(403)
      expect(await response.text()).not.toContain(address)
    }
    expect((await fetch('/', xff('2001:db8:bae::1'))).status).toBe(200)
  },
  { trustProxy: ['loopback'] },
)

matrix(
  'without trustProxy, a spoofed X-Forwarded-For is ignored: the peer address counts',
  site(),
  async (fetch) => {
    const spoofed = await (await fetch('/', xff('192.168.0.7'))).json()
    expect(spoofed).toMatchObject({ address: '127.0.0.1', user: null, roles: ['system'] })
    // trying to dodge the deny list does not work either way round
    const dodge = await fetch('/', {
      headers: { 'x-forwarded-for': '203.0.113.9', forwarded: 'for=203.0.113.9' },
    })
    expect(dodge.status).toBe(200)
  },
)

matrix(
  'hostile forwarding headers never crash and never grant',
  site(),
  async (fetch) => {
    const hostile = [
      'not-an-ip',
      '192.168.0.7 extra',
      '192.168.0.7/24',
      ',,,,,',
      '[2001:db8::1',
      `${'1.1.1.1,'.repeat(2000)}192.168.0.7x`,
      '0x7f.0.0.1',
      '999.168.0.7',
      'unknown',
      '%31%39%32.168.0.7',
    ]
    for (const value of hostile) {
      const response = await fetch('/', xff(value))
      expect(response.status, value.slice(0, 40)).toBe(200)
      const body = (await response.json()) as Echo
      expect(body.user, value.slice(0, 40)).toBeNull()
      expect(body.address).toBe('127.0.0.1')
    }
    const forwarded = await fetch('/', { headers: { forwarded: 'for="192.168.0.7' } })
    expect(((await forwarded.json()) as Echo).user).toBeNull()
  },
  { trustProxy: ['loopback'] },
)

matrix(
  'an authenticated user is kept unless overrideUser, roles are merged',
  () => pipe(echo, upstream('alice', ['reader', 'editor']), grantIp({ rules })),
  async (fetch) => {
    const body = await (await fetch('/', xff('192.168.0.7'))).json()
    expect(body).toEqual({
      address: '192.168.0.7',
      user: 'alice',
      authType: 'basic',
      roles: ['reader', 'editor'],
    })
    const revoked = await (await fetch('/', xff('192.168.0.10'))).json()
    expect(revoked).toMatchObject({ user: null, authType: null, roles: ['reader'] })
  },
  { trustProxy: ['loopback'] },
)

matrix(
  'overrideUser replaces an authenticated user',
  () => pipe(echo, upstream('alice', []), grantIp({ rules, overrideUser: true, authType: 'ip' })),
  async (fetch) => {
    const body = await (await fetch('/', xff('192.168.0.7'))).json()
    expect(body).toMatchObject({ user: 'joe', authType: 'ip' })
  },
  { trustProxy: ['loopback'] },
)

matrix(
  'an allow list refuses everyone else',
  site({ allow: ['192.168.0.0/24', '::1'] }),
  async (fetch) => {
    expect((await fetch('/', xff('192.168.0.99'))).status).toBe(200)
    expect((await fetch('/', xff('10.0.0.1'))).status).toBe(403)
    expect((await fetch('/')).status).toBe(403) // 127.0.0.1 itself is not on the list
  },
  { trustProxy: ['loopback'] },
)

describe('grantIp', () => {
  test('an unknown client address (a Unix socket) gets no grant, and 403 under an allow list', async () => {
    const open = inProcessFetch(site()(), { remoteAddress: '' })
    expect(await (await open('/')).json()).toMatchObject({ user: null, roles: null })
    const closed = inProcessFetch(site({ allow: ['0.0.0.0/0', '::/0'] })(), { remoteAddress: '' })
    expect((await closed('/')).status).toBe(403)
  })

  test('refusals are logged with the address', async () => {
    const lines: unknown[] = []
    const logger: Logger = { error() {}, info() {}, debug() {}, warn: (m, d) => lines.push([m, d]) }
    const server = await startServer(site()(), { trustProxy: ['loopback'], logger })
    try {
      expect((await server.fetch('/', xff('203.0.113.5'))).status).toBe(403)
    } finally {
      await server.close()
    }
    expect(lines).toEqual([['@paste/auth-grantip: denied', { address: '203.0.113.5' }]])
  })

  test('bad configuration throws a TypeError naming the option', () => {
    expect(() => grantIp({ deny: ['10.0.0.0/99'] })).toThrow(/@paste\/auth-grantip: deny/)
    expect(() => grantIp({ allow: ['nope'] })).toThrow(/@paste\/auth-grantip: allow/)
    expect(() => grantIp({ authType: '' })).toThrow(/authType/)
    expect(() => grantIp({ rules: [{ match: 'localhost' }] })).toThrow(TypeError)
  })

  test('the caller options object is not changed', () => {
    const options = Object.freeze({
      rules: Object.freeze([Object.freeze({ match: '::1', roles: Object.freeze(['a']) })]),
    })
    expect(() => grantIp(options)).not.toThrow()
  })
})
