import { createHash } from 'node:crypto'
import { type App, silentLogger } from '@paste/core'
import { inProcessFetch, matrix } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test, vi } from 'vitest'
import { authorization, challenges } from '../test/client.js'
import { type AuthDigestOptions, authDigest, memoryNonceStore, parseDigestParams } from './index.js'

const whoami: App = async (request, context) =>
  new Response(
    `${context.remoteUser ?? '-'} ${context.authType ?? '-'} ${request.method === 'POST' ? await request.text() : ''}`,
  )
const users = { Mufasa: 'Circle of Life', jürgen: 'pässwörd' }
const opts = { logger: silentLogger }
const make =
  (options: Partial<AuthDigestOptions> = {}) =>
  () =>
    authDigest({ realm: 'http-auth@example.org', users, ...options } as AuthDigestOptions)(whoami)

async function login(
  fetch: (input: string, init?: RequestInit) => Promise<Response>,
  path: string,
  o: {
    user?: string
    password?: string
    algorithm?: string
    pick?: number
    qop?: string
    body?: string
    userhash?: boolean
  } = {},
) {
  const first = await fetch(path)
  expect(first.status).toBe(401)
  const challenge = challenges(first)[o.pick ?? 0]!
  const header = authorization(challenge, {
    user: o.user ?? 'Mufasa',
    password: o.password ?? 'Circle of Life',
    uri: path,
    ...(o.qop ? { qop: o.qop } : {}),
    ...(o.body !== undefined ? { body: o.body, method: 'POST' } : {}),
    ...(o.userhash ? { userhash: true } : {}),
  })
  const init: RequestInit = { headers: { authorization: header } }
  if (o.body !== undefined) Object.assign(init, { method: 'POST', body: o.body })
  return { challenge, header, response: await fetch(path, init) }
}

matrix(
  'auth-digest challenges with SHA-256 then MD5',
  make(),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.status).toBe(401)
    const list = challenges(response)
    expect(list.map((c) => c.get('algorithm'))).toEqual(['SHA-256', 'MD5'])
    for (const c of list) {
      expect(c.get('realm')).toBe('http-auth@example.org')
      expect(c.get('qop')).toBe('auth')
      expect(c.get('charset')).toBe('UTF-8')
      expect(c.get('nonce')).toMatch(/^[A-Za-z0-9_-]{48}$/)
      expect(c.get('opaque')).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(c.has('stale')).toBe(false)
    }
  },
  opts,
)

matrix(
  'auth-digest accepts SHA-256 and MD5 answers and sets the user',
  make(),
  async (fetch) => {
    for (const pick of [0, 1]) {
      const { response, challenge, header } = await login(fetch, '/dir/index.html?x=1', { pick })
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('Mufasa digest ')
      // Authentication-Info proves the server knows the password (RFC 7616 3.5)
      const info = response.headers.get('authentication-info')!
      const algo = challenge.get('algorithm') === 'MD5' ? 'md5' : 'sha256'
      expect(info).toMatch(/^rspauth="[0-9a-f]+", qop=auth, nc=00000001, cnonce="[0-9a-f]+"$/)
      // rspauth = KD(HA1, nonce:nc:cnonce:qop:H(":" uri)), computed here with node:crypto
      const h = (text: string) => createHash(algo).update(text, 'utf8').digest('hex')
      const sent = parseDigestParams(header)!
      const ha1 = h(`Mufasa:http-auth@example.org:Circle of Life`)
      const a2 = h(`:${sent.get('uri')}`)
      const expected = h(`${ha1}:${sent.get('nonce')}:00000001:${sent.get('cnonce')}:auth:${a2}`)
      expect(info).toContain(`rspauth="${expected}"`)
    }
  },
  opts,
)

for (const algorithm of ['MD5-sess', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess'] as const) {
  matrix(
    `auth-digest ${algorithm}`,
    make({ algorithms: [algorithm] }),
    async (fetch) => {
      const { response, challenge } = await login(fetch, '/p')
      expect(challenge.get('algorithm')).toBe(algorithm)
      expect(response.status).toBe(200)
    },
    opts,
  )
}

matrix(
  'auth-digest qop=auth-int hashes the body',
  make({ qop: ['auth-int', 'auth'] }),
  async (fetch) => {
    const ok = await login(fetch, '/post', { qop: 'auth-int', body: 'hello body' })
    expect(ok.response.status).toBe(200)
    // no rspauth over a response body we do not hash (RFC 7616 3.5)
    expect(ok.response.headers.has('authentication-info')).toBe(false)
    expect(await ok.response.text()).toBe('Mufasa digest hello body')
    // The same header with a different body is refused
    const tampered = await fetch('/post', {
      method: 'POST',
      body: 'evil body',
      headers: { authorization: ok.header.replace('nc=00000001', 'nc=00000002') },
    })
    expect(tampered.status).toBe(401)
  },
  opts,
)

matrix(
  'auth-digest userhash and UTF-8 user names',
  make({ userhash: true }),
  async (fetch) => {
    const first = await fetch('/')
    expect(challenges(first)[0]!.get('userhash')).toBe('true')
    expect((await login(fetch, '/', { userhash: true })).response.status).toBe(200)
    const utf8 = await login(fetch, '/u', { user: 'jürgen', password: 'pässwörd', userhash: true })
    expect(await utf8.response.text()).toBe('jürgen digest ')
  },
  opts,
)

matrix(
  'auth-digest refuses wrong passwords and unknown users',
  make(),
  async (fetch) => {
    for (const o of [{ password: 'circle of life' }, { user: 'Scar' }, { user: 'mufasa' }]) {
      const { response } = await login(fetch, '/', o)
      expect(response.status).toBe(401)
      expect(challenges(response)[0]!.has('stale')).toBe(false)
    }
  },
  opts,
)

matrix(
  'auth-digest refuses a replayed nonce count with stale=true',
  make(),
  async (fetch) => {
    const { header, challenge } = await login(fetch, '/r')
    const replay = await fetch('/r', { headers: { authorization: header } })
    expect(replay.status).toBe(401)
    expect(challenges(replay)[0]!.get('stale')).toBe('true')
    // a higher count with the same nonce is fine (RFC 7616 3.4: nc strictly increasing)
    const next = authorization(challenge, {
      user: 'Mufasa',
      password: 'Circle of Life',
      uri: '/r',
      nc: 2,
    })
    expect((await fetch('/r', { headers: { authorization: next } })).status).toBe(200)
    const lower = authorization(challenge, {
      user: 'Mufasa',
      password: 'Circle of Life',
      uri: '/r',
      nc: 2,
    })
    expect((await fetch('/r', { headers: { authorization: lower } })).status).toBe(401)
  },
  opts,
)

matrix(
  'auth-digest: the uri must equal the request target',
  make(),
  async (fetch) => {
    const first = await fetch('/a/b?q=1')
    const c = challenges(first)[0]!
    for (const uri of [
      '/a',
      '/a/b',
      '/a/b?q=2',
      '/a/b?q=1&x',
      'http://elsewhere/a/b?q=1',
      '*',
      'a/b?q=1',
    ]) {
      const header = authorization(c, { user: 'Mufasa', password: 'Circle of Life', uri })
      expect((await fetch('/a/b?q=1', { headers: { authorization: header } })).status, uri).toBe(
        401,
      )
    }
    const exact = authorization(c, { user: 'Mufasa', password: 'Circle of Life', uri: '/a/b?q=1' })
    expect((await fetch('/a/b?q=1', { headers: { authorization: exact } })).status).toBe(200)
  },
  opts,
)

matrix(
  'auth-digest answers hostile headers with 401, never 500',
  make(),
  async (fetch) => {
    const c = challenges(await fetch('/'))[0]!
    const good = authorization(c, { user: 'Mufasa', password: 'Circle of Life', uri: '/' })
    const hostile = [
      'Digest',
      'Digest foo',
      'Digest foo=',
      'Digest =bar',
      'Digest username="unterminated',
      'Digest username="a", username="b"',
      'Digest username=a b=c',
      `Digest ${'x=1,'.repeat(3000)}`,
      good.replace(/nonce="[^"]+"/, 'nonce="clientinventednonce"'),
      good.replace(/nonce="[^"]+"/, `nonce="${'A'.repeat(48)}"`),
      good.replace(/nc=\w+/, 'nc=1'),
      good.replace(/nc=\w+/, 'nc=zzzzzzzz'),
      good.replace(/qop=\w+/, 'qop=auth-conf'),
      good.replace(/, qop=\w+/, ''),
      good.replace(/algorithm=[\w-]+/, 'algorithm=SHA-1'),
      good.replace(/realm="[^"]+"/, 'realm="other"'),
      good.replace(/opaque="[^"]+"/, 'opaque="x"'),
      good.replace(/, opaque="[^"]+"/, ''),
      good.replace(/response="[^"]+"/, 'response="zz"'),
      good.replace(/username="[^"]+"/, "username*=UTF-8''%FF"),
      good.replace(/username="[^"]+"/, 'username="Mufasa", userhash=true'),
      good.replace(/cnonce="[^"]+"/, `cnonce="${'c'.repeat(300)}"`),
      'Basic TXVmYXNhOkNpcmNsZSBvZiBMaWZl',
    ]
    for (const authorization of hostile) {
      const response = await fetch('/', { headers: { authorization } })
      expect(response.status, authorization.slice(0, 60)).toBe(401)
      const body = await response.text()
      expect(body).not.toContain('Mufasa')
      expect(body).not.toMatch(/stack|error/i)
    }
  },
  opts,
)

describe('auth-digest', () => {
  test('random Authorization headers always get a 401 challenge', async () => {
    const fetch = inProcessFetch(make()(), opts)
    const c = challenges(await fetch('/'))[0]!
    const good = authorization(c, { user: 'Mufasa', password: 'Circle of Life', uri: '/' })
    const latin1 = fc
      .string({ maxLength: 120 })
      .map((s) => s.replace(/[^\t\u0020-\u007e\u0080-\u00ff]/g, ''))
    await fc.assert(
      fc.asyncProperty(latin1, fc.nat(good.length), async (junk, at) => {
        for (const authorization of [`Digest ${junk}`, good.slice(0, at) + junk + good.slice(at)]) {
          // junk that leaves the same parameters (say, extra spaces) is still the valid header
          const same = parseDigestParams(authorization)
          if (same && JSON.stringify([...same]) === JSON.stringify([...parseDigestParams(good)!]))
            continue
          const response = await fetch('/', { headers: { authorization } })
          expect(response.status).toBe(401)
          expect(response.headers.get('www-authenticate')).toMatch(/^Digest /)
        }
      }),
      { numRuns: 150 },
    )
  })

  test('RFC 7616 username* (ext-value) is accepted', async () => {
    const fetch = inProcessFetch(make()(), opts)
    const c = challenges(await fetch('/'))[0]!
    const header = authorization(c, { user: 'jürgen', password: 'pässwörd', uri: '/' }).replace(
      'username="jürgen"',
      "username*=UTF-8''j%C3%BCrgen",
    )
    const response = await fetch('/', { headers: { authorization: header } })
    expect(await response.text()).toBe('jürgen digest ')
  })

  test('an expired nonce with the right password gets stale=true; a wrong password does not', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const fetch = inProcessFetch(make({ nonceLifetime: 10 })(), opts)
      const c = challenges(await fetch('/'))[0]!
      vi.setSystemTime(Date.now() + 11_000)
      const right = authorization(c, { user: 'Mufasa', password: 'Circle of Life', uri: '/' })
      const stale = await fetch('/', { headers: { authorization: right } })
      expect(stale.status).toBe(401)
      expect(challenges(stale)[0]!.get('stale')).toBe('true')
      const wrong = authorization(c, { user: 'Mufasa', password: 'nope', uri: '/' })
      expect(
        challenges(await fetch('/', { headers: { authorization: wrong } }))[0]!.has('stale'),
      ).toBe(false)
      // the fresh nonce from the stale challenge works at once
      const retry = authorization(challenges(stale)[0]!, {
        user: 'Mufasa',
        password: 'Circle of Life',
        uri: '/',
      })
      expect((await fetch('/', { headers: { authorization: retry } })).status).toBe(200)
    } finally {
      vi.useRealTimers()
    }
  })

  test('nonces from another secret or realm are refused; a shared secret works across instances', async () => {
    const a = inProcessFetch(make({ secret: 'shared-secret-of-the-cluster' })(), opts)
    const b = inProcessFetch(make({ secret: 'shared-secret-of-the-cluster' })(), opts)
    const other = inProcessFetch(make({ secret: 'another-secret-entirely!!' })(), opts)
    const c = challenges(await a('/'))[0]!
    const header = authorization(c, { user: 'Mufasa', password: 'Circle of Life', uri: '/' })
    expect((await b('/', { headers: { authorization: header } })).status).toBe(200)
    expect((await other('/', { headers: { authorization: header } })).status).toBe(401)
  })

  test('a shared nonce store refuses a replay on another instance', async () => {
    const store = memoryNonceStore()
    const secret = 'shared-secret-of-the-cluster'
    const a = inProcessFetch(make({ secret, nonceStore: store })(), opts)
    const b = inProcessFetch(make({ secret, nonceStore: store })(), opts)
    const c = challenges(await a('/'))[0]!
    const header = authorization(c, { user: 'Mufasa', password: 'Circle of Life', uri: '/' })
    expect((await a('/', { headers: { authorization: header } })).status).toBe(200)
    expect((await b('/', { headers: { authorization: header } })).status).toBe(401)
  })

  test('a failing nonce store: 503 with Retry-After, logged, never the app nor a 401', async () => {
    for (const check of [
      () => {
        throw new Error('store exploded')
      },
      () => Promise.reject(new Error('connection refused')),
    ]) {
      const errors: string[] = []
      const logger = { ...silentLogger, error: (message: string) => void errors.push(message) }
      const fetch = inProcessFetch(make({ nonceStore: { check } })(), { logger })
      const c = challenges(await fetch('/'))[0]!
      const header = authorization(c, { user: 'Mufasa', password: 'Circle of Life', uri: '/' })
      const response = await fetch('/', { headers: { authorization: header } })
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('1')
      expect(response.headers.get('www-authenticate')).toBeNull()
      expect(await response.text()).not.toContain('Mufasa')
      expect(errors).toEqual(['auth-digest: the nonce store failed; answering 503'])
    }
  })

  test('htdigest files: MD5 HA1s for the realm', async () => {
    const ha1 = createHash('md5').update('alice:files:wonder').digest('hex')
    const other = createHash('md5').update('bob:elsewhere:x').digest('hex')
    const app = authDigest({
      realm: 'files',
      htdigest: `# comment\nalice:files:${ha1}\nbob:elsewhere:${other}\n`,
    })(whoami)
    const fetch = inProcessFetch(app, opts)
    const first = await fetch('/')
    const list = challenges(first)
    expect(list.map((c) => c.get('algorithm'))).toEqual(['MD5'])
    const ok = authorization(list[0]!, { user: 'alice', password: 'wonder', uri: '/' })
    expect(await (await fetch('/', { headers: { authorization: ok } })).text()).toBe(
      'alice digest ',
    )
    const bob = authorization(list[0]!, { user: 'bob', password: 'x', uri: '/' })
    expect((await fetch('/', { headers: { authorization: bob } })).status).toBe(401)
  })

  test('getUser may return a precomputed HA1 and is asked for the hash in use', async () => {
    const asked: string[] = []
    const app = authDigest({
      realm: 'r',
      algorithms: ['SHA-256'],
      getUser: async (user, realm, hash) => {
        asked.push(`${user}/${realm}/${hash}`)
        return user === 'u'
          ? { ha1: createHash('sha256').update('u:r:pw').digest('hex') }
          : undefined
      },
    })(whoami)
    const fetch = inProcessFetch(app, opts)
    const c = challenges(await fetch('/'))[0]!
    const header = authorization(c, { user: 'u', password: 'pw', uri: '/' })
    expect((await fetch('/', { headers: { authorization: header } })).status).toBe(200)
    expect(asked).toEqual(['u/r/SHA-256'])
  })

  test('never logs the password or the response hash', async () => {
    const lines: string[] = []
    const record = (m: string, d?: unknown) => lines.push(m + JSON.stringify(d ?? {}))
    const logger = { error: record, warn: record, info: record, debug: record }
    const fetch = inProcessFetch(make()(), { logger })
    const c = challenges(await fetch('/'))[0]!
    const header = authorization(c, { user: 'Mufasa', password: 'wrong-pass-XYZ', uri: '/' })
    await fetch('/', { headers: { authorization: header } })
    expect(lines.join('\n')).toMatch(/refused/)
    expect(lines.join('\n')).not.toContain('wrong-pass-XYZ')
    expect(lines.join('\n')).not.toContain(/response="([^"]+)"/.exec(header)![1]!)
  })

  test.each([
    [{}, /realm/],
    [{ realm: 'r' }, /exactly one/],
    [{ realm: 'r', users: {}, getUser: (): undefined => undefined }, /exactly one/],
    [{ realm: 'r', users: {}, algorithms: ['SHA-1'] }, /algorithms/],
    [{ realm: 'r', users: {}, algorithms: [] }, /algorithms/],
    [{ realm: 'r', htdigest: '', algorithms: ['SHA-256'] }, /htdigest/],
    [{ realm: 'r', htdigest: 'garbage' }, /line 1/],
    [{ realm: 'r', users: {}, qop: ['auth-conf'] }, /qop/],
    [{ realm: 'r', users: {}, nonceLifetime: 0 }, /nonceLifetime/],
    [{ realm: 'r', users: {}, secret: 'short' }, /secret/],
    [{ realm: 'r', users: {}, secret: 42 }, /secret/],
    [{ realm: 'r', getUser: (): undefined => undefined, userhash: true }, /resolveUserhash/],
  ])('bad configuration throws a TypeError naming the option (%j)', (options, message) => {
    expect(() => authDigest(options as never)).toThrow(TypeError)
    expect(() => authDigest(options as never)).toThrow(message)
  })
})
