import { type App, type Logger, pipe } from '@paste/core'
import { matrix, type TestFetch } from '@paste-tooling/testing'
import { expect, test } from 'vitest'
import { CLIENT, type FakeOp, fakeOp, ISSUER } from '../test/fake-op.js'
import { type AuthOidcOptions, authOidc, oidcKey } from './index.js'
import { sealer } from './seal.js'

const BASE = 'https://app.example.org'
const KEY = 'k'.repeat(32)

const echo: App = (_request, context) =>
  Response.json({
    user: context.remoteUser ?? null,
    authType: context.authType ?? null,
    email: context.get(oidcKey)?.claims.email ?? null,
  })

/** A logger that remembers its lines, to check every refusal is logged. */
function recorder() {
  const lines: string[] = []
  const log = (message: string) => void lines.push(message)
  const logger: Logger = { debug: log, info: log, warn: log, error: log } as Logger
  return { lines, logger }
}

async function setup(options: Partial<AuthOidcOptions> = {}) {
  const op = await fakeOp()
  const log = recorder()
  const make = () => {
    op.reset()
    return pipe(
      echo,
      authOidc({
        issuer: ISSUER,
        clientId: CLIENT,
        clientSecret: 's3cret',
        baseUrl: BASE,
        secrets: [KEY],
        fetch: op.fetch,
        timeout: 300,
        ...options,
      }),
    )
  }
  return { op, make, log }
}

/** Cookies set by a response, as a Cookie header value (deleted ones left out). */
const jar = (response: Response) =>
  response.headers
    .getSetCookie()
    .filter((c) => !/Max-Age=0/.test(c))
    .map((c) => c.split(';')[0])
    .join('; ')

const local = (url: string) => {
  expect(url.startsWith(`${BASE}/`), url).toBe(true)
  return url.slice(BASE.length)
}

/** Starts a login at `path` and returns the OP's callback URL (path) and the state cookie. */
async function begin(fetch: TestFetch, op: FakeOp, path = '/', extra: Record<string, string> = {}) {
  const start = await fetch(path)
  expect(start.status).toBe(303)
  const location = start.headers.get('location')!
  return { location, callback: local(op.authorize(location, extra)), cookie: jar(start), start }
}

async function loginWith(fetch: TestFetch, op: FakeOp, path = '/') {
  const { callback, cookie } = await begin(fetch, op, path)
  return fetch(callback, { headers: { cookie } })
}

function opts(log: { logger: Logger }) {
  return { logger: log.logger }
}

{
  const ctx = await setup()
  matrix(
    'a full login with the fake OP; the login request carries PKCE and the cookie flags',
    ctx.make,
    async (fetch) => {
      const { location, callback, cookie, start } = await begin(fetch, ctx.op, '/a?b=1')
      const auth = new URL(location)
      expect(`${auth.origin}${auth.pathname}`).toBe(`${ISSUER}/auth`)
      expect(Object.fromEntries(auth.searchParams)).toMatchObject({
        response_type: 'code',
        client_id: CLIENT,
        scope: 'openid',
        redirect_uri: `${BASE}/oidc/callback`,
        code_challenge_method: 'S256',
      })
      expect(start.headers.get('set-cookie')).toMatch(
        /^__Host-paste-oidc-state=[\w.-]+; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=600$/,
      )
      const done = await fetch(callback, { headers: { cookie } })
      expect(done.status).toBe(303)
      expect(done.headers.get('location')).toBe(`${BASE}/a?b=1`)
      // the state cookie is cleared and the login cookie set
      expect(done.headers.getSetCookie()[0]).toMatch(/^__Host-paste-oidc-state=; .*Max-Age=0$/)
      const page = await fetch('/a', { headers: { cookie: jar(done) } })
      expect(await page.json()).toEqual({
        user: 'alice',
        authType: 'oidc',
        email: 'alice@example.org',
      })
      // discovery was fetched once, the JWKS once
      expect(ctx.op.calls.filter((c) => c.includes('well-known'))).toHaveLength(1)
    },
  )
}

{
  const ctx = await setup()
  matrix(
    'the callback refuses a missing, wrong, forged, expired, replayed or mixed-up state',
    ctx.make,
    async (fetch) => {
      const { callback, cookie } = await begin(fetch, ctx.op)
      const noCookie = await fetch(callback)
      expect(noCookie.status).toBe(400)
      const wrong = await fetch(callback.replace(/state=[^&]+/, 'state=nope'), {
        headers: { cookie },
      })
      expect(wrong.status).toBe(400)
      const noState = await fetch(callback.replace(/&state=[^&]+/, ''), { headers: { cookie } })
      expect(noState.status).toBe(400)
      const twice = await fetch(`${callback}&state=x`, { headers: { cookie } })
      expect(twice.status).toBe(400)
      // a state cookie sealed with another key, or a login cookie's key, or expired
      const state = new URL(callback, BASE).searchParams.get('state')!
      const other = await sealer([new TextEncoder().encode('o'.repeat(32))], 'state').seal(
        { s: state },
        60,
      )
      const asLogin = await sealer([new TextEncoder().encode(KEY)], 'login').seal({ s: state }, 60)
      const expired = await sealer([new TextEncoder().encode(KEY)], 'state').seal(
        { s: state },
        -120,
      )
      for (const forged of [other, asLogin, expired, 'garbage', 'a.b.c.d.e']) {
        const response = await fetch(callback, {
          headers: { cookie: `__Host-paste-oidc-state=${forged}` },
        })
        expect(response.status).toBe(400)
      }
      // the right one works once; the same callback again is a replay
      expect((await fetch(callback, { headers: { cookie } })).status).toBe(303)
      expect((await fetch(callback, { headers: { cookie } })).status).toBe(400)
      // RFC 9207: an iss parameter naming another issuer is refused
      const fresh = await begin(fetch, ctx.op, '/', { iss: 'https://evil.example' })
      expect((await fetch(fresh.callback, { headers: { cookie: fresh.cookie } })).status).toBe(400)
    },
    opts(ctx.log),
  )
  test('every refusal is logged with its reason', () => {
    for (const reason of [
      'callback without login state',
      'wrong state',
      'callback without state',
      'repeated state',
      'iss does not match',
      'login state expired or forged',
      'replayed state',
    ])
      expect(
        ctx.log.lines.some((l) => l.includes(reason)),
        reason,
      ).toBe(true)
  })
}

{
  const ctx = await setup()
  matrix(
    'provider errors and bad codes in the callback',
    ctx.make,
    async (fetch) => {
      const denied = await begin(fetch, ctx.op)
      const url = denied.callback.replace(/code=[^&]+/, 'error=access_denied')
      const r1 = await fetch(url, { headers: { cookie: denied.cookie } })
      expect(r1.status).toBe(403)
      const other = await begin(fetch, ctx.op)
      const r2 = await fetch(other.callback.replace(/code=[^&]+/, 'error=%3Cscript%3E'), {
        headers: { cookie: other.cookie },
      })
      expect(r2.status).toBe(401)
      expect(await r2.text()).not.toContain('<script>')
      const huge = await begin(fetch, ctx.op)
      const r3 = await fetch(huge.callback.replace(/code=[^&]+/, `code=${'x'.repeat(3000)}`), {
        headers: { cookie: huge.cookie },
      })
      expect(r3.status).toBe(400)
      const r4 = await fetch(`${huge.callback}&pad=${'y'.repeat(9000)}`, {
        headers: { cookie: huge.cookie },
      })
      expect(r4.status).toBe(414)
      const post = await fetch(huge.callback, { method: 'POST', headers: { cookie: huge.cookie } })
      expect(post.status).toBe(405)
      // an unknown (or already used) code: the token endpoint refuses it, 401
      const unknown = await begin(fetch, ctx.op)
      const r5 = await fetch(unknown.callback.replace(/code=[^&]+/, 'code=never-issued'), {
        headers: { cookie: unknown.cookie },
      })
      expect(r5.status).toBe(401)
    },
    opts(ctx.log),
  )
}

const now = () => Math.floor(Date.now() / 1000)
const badTokens: [string, (op: FakeOp) => void][] = [
  ['wrong aud', (op) => void (op.state.claims = (c) => ({ ...c, aud: 'someone-else' }))],
  ['wrong iss', (op) => void (op.state.claims = (c) => ({ ...c, iss: 'https://evil.example' }))],
  [
    'expired',
    (op) => void (op.state.claims = (c) => ({ ...c, exp: now() - 3600, iat: now() - 7200 })),
  ],
  ['wrong nonce', (op) => void (op.state.claims = (c) => ({ ...c, nonce: 'other' }))],
  ['no nonce', (op) => void (op.state.claims = ({ nonce: _, ...c }) => c)],
  [
    'several audiences without azp',
    (op) => void (op.state.claims = (c) => ({ ...c, aud: [CLIENT, 'other'] })),
  ],
  ['alg none', (op) => void (op.state.sign = async (c) => `${b64({ alg: 'none' })}.${b64(c)}.`)],
  [
    'bad signature',
    (op) =>
      void (op.state.sign = async (c) => {
        const { SignJWT, generateKeyPair } = await import('jose')
        const k = await generateKeyPair('RS256')
        return new SignJWT(c)
          .setProtectedHeader({ alg: 'RS256', kid: op.key.kid })
          .sign(k.privateKey)
      }),
  ],
  [
    'HS256 with the public key as secret',
    (op) =>
      void (op.state.sign = async (c) => {
        const { SignJWT, exportSPKI } = await import('jose')
        const pem = await exportSPKI(op.key.pair.publicKey)
        return new SignJWT(c)
          .setProtectedHeader({ alg: 'HS256', kid: op.key.kid })
          .sign(new TextEncoder().encode(pem))
      }),
  ],
  ['no user', (op) => void (op.state.claims = (c) => ({ ...c, email: undefined }))],
]
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url')

for (const [name, spoil] of badTokens) {
  const ctx = await setup(name === 'no user' ? { userClaim: 'email' } : {})
  matrix(
    `an ID token with ${name} is a 401, no login`,
    ctx.make,
    async (fetch) => {
      spoil(ctx.op)
      const response = await loginWith(fetch, ctx.op)
      expect(response.status).toBe(401)
      expect(response.headers.getSetCookie().join()).not.toMatch(/__Host-paste-oidc=[^;]/)
      expect(ctx.log.lines.some((l) => /ID token (refused|has no)/.test(l))).toBe(true)
    },
    opts(ctx.log),
  )
}

for (const [how, status] of [
  ['down', 502],
  ['hang', 504],
  ['status500', 502],
  ['html', 502],
  ['huge', 502],
  ['otherIssuer', 502],
] as const) {
  const ctx = await setup()
  matrix(
    `a provider that is ${how} at discovery is a ${status}`,
    ctx.make,
    async (fetch) => {
      ctx.op.state.misbehave = how
      const response = await fetch('/')
      expect(response.status).toBe(status)
      expect(await response.text()).not.toMatch(/op\.example|evil/)
      expect(ctx.log.lines.some((l) => l.includes('provider failed'))).toBe(true)
    },
    opts(ctx.log),
  )
}

for (const [how, status] of [
  ['down', 502],
  ['hang', 504],
  ['noIdToken', 502],
  ['huge', 502],
  ['jwksDown', 502],
  ['jwksHtml', 502],
] as const) {
  const ctx = await setup()
  matrix(
    `a provider that is ${how} at the callback is a ${status}`,
    ctx.make,
    async (fetch) => {
      const { callback, cookie } = await begin(fetch, ctx.op)
      ctx.op.state.misbehave = how
      const response = await fetch(callback, { headers: { cookie } })
      expect(response.status).toBe(status)
      expect(response.headers.getSetCookie().join()).not.toMatch(/__Host-paste-oidc=[^;]/)
    },
    opts(ctx.log),
  )
}

{
  const ctx = await setup({ protect: (_r, c) => c.pathInfo.startsWith('/private') })
  matrix(
    'return_to must stay on this origin; anonymous POST is 401; unprotected pages pass',
    ctx.make,
    async (fetch) => {
      for (const evil of [
        'https://evil.example/',
        '//evil.example/x',
        '/\\evil.example',
        'javascript:alert(1)',
        'http://app.example.org/',
        '/a\nb',
        `/${'x'.repeat(3000)}`,
      ]) {
        const response = await fetch(`/oidc/login?return_to=${encodeURIComponent(evil)}`)
        expect(response.status, evil).toBe(400)
      }
      const ok = await fetch(`/oidc/login?return_to=${encodeURIComponent(`${BASE}/x?y=1`)}`)
      expect(ok.status).toBe(303)
      const post = await fetch('/private/x', { method: 'POST', body: 'a' })
      expect(post.status).toBe(401)
      expect(post.headers.get('www-authenticate')).toMatch(/^OIDC /)
      const open = await fetch('/public')
      expect(await open.json()).toMatchObject({ user: null })
      // a tampered login cookie is anonymous: protected pages send it to the provider
      const tampered = await fetch('/private/x', {
        headers: { cookie: '__Host-paste-oidc=a.b.c.d.e' },
      })
      expect(tampered.status).toBe(303)
    },
    opts(ctx.log),
  )
}

{
  const ctx = await setup()
  matrix(
    'logout: clears the cookie and goes to end_session with id_token_hint',
    ctx.make,
    async (fetch) => {
      const done = await loginWith(fetch, ctx.op)
      const out = await fetch('/oidc/logout', { headers: { cookie: jar(done) } })
      expect(out.status).toBe(303)
      const to = new URL(out.headers.get('location')!)
      expect(`${to.origin}${to.pathname}`).toBe(`${ISSUER}/logout`)
      expect(to.searchParams.get('post_logout_redirect_uri')).toBe(`${BASE}/`)
      expect(to.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3)
      expect(out.headers.get('set-cookie')).toMatch(/^__Host-paste-oidc=; .*Max-Age=0$/)
    },
  )
}

{
  const ctx = await setup()
  matrix(
    'logout with the provider down is local, never a 5xx',
    ctx.make,
    async (fetch) => {
      ctx.op.state.misbehave = 'down'
      const out = await fetch('/oidc/logout', { headers: { cookie: '__Host-paste-oidc=x' } })
      expect(out.status).toBe(303)
      expect(out.headers.get('location')).toBe(`${BASE}/`)
      expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0$/)
    },
    opts(ctx.log),
  )
}

{
  const ctx = await setup({
    endpoints: {
      authorization: `${ISSUER}/auth`,
      token: `${ISSUER}/token`,
      jwks: `${ISSUER}/jwks`,
    },
    jwksCooldown: 0,
    tokenEndpointAuth: 'client_secret_post',
    postLogoutRedirectUri: `${BASE}/bye`,
  })
  matrix(
    'explicit endpoints (no discovery), key rotation picked up, logout without end_session',
    ctx.make,
    async (fetch) => {
      expect((await loginWith(fetch, ctx.op)).status).toBe(303)
      await ctx.op.rotate()
      const done = await loginWith(fetch, ctx.op)
      expect(done.status).toBe(303)
      expect(ctx.op.calls.filter((c) => c.includes('well-known'))).toHaveLength(0)
      expect(ctx.op.calls.filter((c) => c === 'GET /jwks').length).toBeGreaterThanOrEqual(2)
      const out = await fetch('/oidc/logout', { headers: { cookie: jar(done) } })
      expect(out.headers.get('location')).toBe(`${BASE}/bye`)
    },
  )
}

{
  const ctx = await setup()
  matrix(
    'an unknown kid does not refetch the JWKS within the cooldown (rate limit)',
    ctx.make,
    async (fetch) => {
      expect((await loginWith(fetch, ctx.op)).status).toBe(303)
      const fetched = ctx.op.calls.filter((c) => c === 'GET /jwks').length
      await ctx.op.rotate()
      for (let i = 0; i < 3; i++) expect((await loginWith(fetch, ctx.op)).status).toBe(401)
      expect(ctx.op.calls.filter((c) => c === 'GET /jwks')).toHaveLength(fetched)
    },
    opts(ctx.log),
  )
}
