/*
 * An in-test OpenID provider behind an injected fetch, for the failure cases a real OP
 * will not produce on demand: ID tokens with bad claims or signatures, token answers without
 * an ID token, a provider that is down, slow, or answers nonsense.
 */
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose'

export const ISSUER = 'https://op.example.org'
export const CLIENT = 'client-1'

type Key = Awaited<ReturnType<typeof generateKeyPair>>

export type Misbehave =
  | 'none'
  | 'down'
  | 'hang'
  | 'status500'
  | 'html'
  | 'huge'
  | 'noIdToken'
  | 'otherIssuer'
  | 'jwksDown'
  | 'jwksHtml'

export interface FakeOp {
  fetch: typeof globalThis.fetch
  /** Requests seen, as `METHOD path`. */
  calls: string[]
  state: {
    misbehave: Misbehave
    /** Changes the claims of the next ID tokens. */
    claims: (claims: JWTPayload) => JWTPayload
    /** Signs the next ID tokens instead of the OP's key (bad signatures, alg none...). */
    sign?: (claims: JWTPayload) => Promise<string>
    /** Advertise end_session_endpoint. */
    endSession: boolean
  }
  /** The OP's current signing key and kid. */
  key: { pair: Key; kid: string; alg: string }
  /** Back to a well-behaved OP with no calls recorded (each matrix run starts here). */
  reset(): void
  /** Replaces the signing key (rotation). */
  rotate(): Promise<void>
  /** What the browser would get back from the authorization endpoint: the callback URL. */
  authorize(location: string, extra?: Record<string, string>): string
}

export async function fakeOp(): Promise<FakeOp> {
  const codes = new Map<string, { nonce: string }>()
  let published: object[] = []
  const op: FakeOp = {
    calls: [],
    state: { misbehave: 'none', claims: (c) => c, endSession: true },
    key: { pair: await generateKeyPair('RS256'), kid: 'k1', alg: 'RS256' },
    reset() {
      op.calls.length = 0
      op.state = { misbehave: 'none', claims: (c) => c, endSession: true }
    },
    async rotate() {
      op.key = {
        pair: await generateKeyPair('RS256'),
        kid: `k${published.length + 1}`,
        alg: 'RS256',
      }
      await publish()
    },
    authorize(location, extra = {}) {
      const url = new URL(location)
      const code = `code-${codes.size + 1}`
      codes.set(code, { nonce: url.searchParams.get('nonce')! })
      const back = new URL(url.searchParams.get('redirect_uri')!)
      back.searchParams.set('code', code)
      back.searchParams.set('state', url.searchParams.get('state')!)
      for (const [k, v] of Object.entries(extra)) back.searchParams.set(k, v)
      return back.href
    },
    fetch: async (input, init) => {
      const url = new URL(String(input))
      op.calls.push(`${init?.method ?? 'GET'} ${url.pathname}`)
      const how = op.state.misbehave
      if (how === 'down') throw new TypeError('fetch failed')
      if (how === 'hang')
        return new Promise((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        )
      if (how === 'status500') return new Response('oops', { status: 500 })
      if (how === 'html')
        return new Response('<html>', { headers: { 'content-type': 'text/html' } })
      if (how === 'huge') return new Response('{"a":"'.padEnd(300_000, 'x'))
      if (url.pathname === '/.well-known/openid-configuration') return Response.json(discovery())
      if (url.pathname === '/jwks')
        return how === 'jwksDown'
          ? new Response('no', { status: 503 })
          : how === 'jwksHtml'
            ? new Response('<html>')
            : Response.json({ keys: published })
      if (url.pathname === '/token') return token(String(init?.body ?? ''))
      return new Response('not found', { status: 404 })
    },
  }
  const discovery = () => ({
    issuer: op.state.misbehave === 'otherIssuer' ? 'https://evil.example' : ISSUER,
    authorization_endpoint: `${ISSUER}/auth`,
    token_endpoint: `${ISSUER}/token`,
    jwks_uri: `${ISSUER}/jwks`,
    ...(op.state.endSession ? { end_session_endpoint: `${ISSUER}/logout` } : {}),
  })
  async function publish() {
    published = [
      ...published,
      { ...(await exportJWK(op.key.pair.publicKey)), kid: op.key.kid, alg: op.key.alg },
    ]
  }
  async function token(body: string): Promise<Response> {
    const form = new URLSearchParams(body)
    const pending = codes.get(form.get('code') ?? '')
    // codes are single use
    codes.delete(form.get('code') ?? '')
    if (!pending || !form.get('code_verifier'))
      return Response.json({ error: 'invalid_grant' }, { status: 400 })
    if (op.state.misbehave === 'noIdToken')
      return Response.json({ access_token: 'a', token_type: 'Bearer' })
    const now = Math.floor(Date.now() / 1000)
    const claims = op.state.claims({
      iss: ISSUER,
      aud: CLIENT,
      sub: 'alice',
      nonce: pending.nonce,
      iat: now,
      exp: now + 300,
      email: 'alice@example.org',
    })
    const idToken = op.state.sign
      ? await op.state.sign(claims)
      : await new SignJWT(claims)
          .setProtectedHeader({ alg: op.key.alg, kid: op.key.kid })
          .sign(op.key.pair.privateKey)
    return Response.json({ access_token: 'a', token_type: 'Bearer', id_token: idToken })
  }
  await publish()
  return op
}
