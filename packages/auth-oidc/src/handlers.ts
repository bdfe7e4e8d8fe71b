/*
 * The three flows behind authOidc: starting a login (authorization request), the callback
 * (code exchange and ID token validation), and logout.
 */
import { type Context, timingSafeEqual } from '@paste/core'
import type { JWTPayload } from 'jose'
import { IdTokenError, verifyIdToken } from './idtoken.js'
import type { Resolved } from './options.js'
import type { Provider } from './provider.js'
import { cookie, random, refuse, s256, sameOrigin, seeOther, upstreamFailed } from './respond.js'
import type { Sealer } from './seal.js'
import { exchangeCode } from './token.js'

/** What the handlers share. */
export interface Runtime {
  config: Resolved
  provider: (signal?: AbortSignal) => Promise<Provider>
  states: Sealer
  logins: Sealer
  /** States already used (or refused), until they expire: a replay is refused. */
  used: Map<string, number>
}

const MAX_USED = 10_000
// state and code as we accept them back: printable ASCII, bounded (RFC 6749 A.5, A.11)
const VSCHAR = /^[\x20-\x7e]{1,2048}$/

/** The redirect_uri for this mount point. */
export function redirectUri(rt: Runtime, context: Context): string {
  return `${rt.config.baseUrl}${context.scriptName}${rt.config.callbackPath}`
}

/** 303 to the authorization endpoint with a fresh state, nonce and PKCE challenge (Core 3.1.2.1). */
export async function startLogin(
  request: Request,
  context: Context,
  rt: Runtime,
  returnTo: string,
): Promise<Response> {
  let provider: Provider
  try {
    provider = await rt.provider(context.signal)
  } catch (error) {
    return upstreamFailed(request, context, error)
  }
  const state = random()
  const nonce = random()
  const verifier = random()
  const url = new URL(provider.endpoints.authorization)
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: rt.config.clientId,
    redirect_uri: redirectUri(rt, context),
    scope: rt.config.scope,
    state,
    nonce,
    code_challenge: await s256(verifier),
    code_challenge_method: 'S256',
  }
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  const sealed = await rt.states.seal(
    { s: state, n: nonce, v: verifier, r: returnTo },
    rt.config.stateTtl,
  )
  const { stateCookie, secure, stateTtl } = rt.config
  return seeOther(url.href, [cookie(stateCookie, sealed, secure, stateTtl)])
}

function markUsed(rt: Runtime, state: string): boolean {
  const now = Date.now()
  const seen = rt.used.get(state)
  if (seen !== undefined && seen > now) return false
  // Maps iterate in insertion order: drop expired and, past the cap, the oldest entries
  for (const [key, expires] of rt.used) {
    if (expires > now && rt.used.size < MAX_USED) break
    rt.used.delete(key)
  }
  rt.used.set(state, now + rt.config.stateTtl * 1000)
  return true
}

/** The callback (Core 3.1.2.5): checks state, exchanges the code, validates the ID token, logs in. */
export async function callback(
  request: Request,
  context: Context,
  rt: Runtime,
  cookies: Map<string, string>,
): Promise<Response> {
  const { config } = rt
  const clear = [cookie(config.stateCookie, '', config.secure, 0)]
  const no = (status: number, detail: string, reason: string) =>
    refuse(request, context, status, detail, reason, clear)
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return no(405, 'The login callback answers GET only.', `callback with ${request.method}`)
  if (context.search.length > 8192)
    return no(414, 'The callback URL is too long.', 'oversized callback query')
  const query = new URLSearchParams(context.search)
  for (const name of ['state', 'code', 'error'])
    if (query.getAll(name).length > 1)
      return no(400, `The ${name} parameter is repeated.`, `repeated ${name}`)
  const sealed = cookies.get(config.stateCookie)
  const pending = sealed === undefined ? undefined : await rt.states.open(sealed)
  if (!pending)
    return no(
      400,
      'No login is in progress here, or it took too long; start again.',
      sealed ? 'login state expired or forged' : 'callback without login state',
    )
  const state = query.get('state')
  if (state === null || !VSCHAR.test(state) || !timingSafeEqual(state, String(pending.s)))
    return no(
      400,
      'The login state does not match; start again.',
      state === null ? 'callback without state' : 'wrong state',
    )
  if (!markUsed(rt, state))
    return no(400, 'This login was already completed; start again.', 'replayed state')
  // RFC 9207: an authorization response naming another issuer is a mix-up attack
  const iss = query.getAll('iss')
  if (iss.length > 1 || (iss[0] !== undefined && iss[0] !== config.issuer))
    return no(400, 'The answer came from another login server.', 'iss does not match')
  const error = query.get('error')
  if (error !== null) {
    const code = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(error) ? error : 'malformed'
    return error === 'access_denied'
      ? no(403, 'The login was refused at the login server.', 'provider answered access_denied')
      : no(401, 'The login server did not log you in.', `provider answered error ${code}`)
  }
  const code = query.get('code')
  if (code === null || !VSCHAR.test(code))
    return no(400, 'The login code is missing or malformed.', 'bad code')
  return finishLogin(
    request,
    context,
    rt,
    { code, nonce: String(pending.n), verifier: String(pending.v), returnTo: String(pending.r) },
    clear,
  )
}

interface Pending {
  code: string
  nonce: string
  verifier: string
  returnTo: string
}

async function finishLogin(
  request: Request,
  context: Context,
  rt: Runtime,
  p: Pending,
  clear: string[],
): Promise<Response> {
  const { config } = rt
  let claims: JWTPayload
  let idToken: string
  try {
    const provider = await rt.provider(context.signal)
    const answer = await exchangeCode(
      config,
      provider.endpoints.token,
      p.code,
      p.verifier,
      redirectUri(rt, context),
      context.signal,
    )
    if (!answer.ok)
      return refuse(
        request,
        context,
        401,
        'The login code was not accepted; log in again.',
        `token endpoint refused the code: ${answer.error}`,
        clear,
      )
    idToken = answer.idToken
    claims = await verifyIdToken(idToken, provider.keys, {
      issuer: config.issuer,
      clientId: config.clientId,
      nonce: p.nonce,
      algorithms: config.algorithms,
      clockTolerance: config.clockTolerance,
    })
  } catch (error) {
    if (error instanceof IdTokenError)
      return refuse(
        request,
        context,
        401,
        'The identity token was not accepted.',
        `ID token refused: ${error.message}`,
        clear,
      )
    return upstreamFailed(request, context, error, clear)
  }
  const user = claims[config.userClaim]
  if (typeof user !== 'string' || user === '')
    return refuse(
      request,
      context,
      401,
      'The identity token names no user.',
      `ID token has no ${config.userClaim} claim`,
      clear,
    )
  let sealed = await rt.logins.seal({ u: user, c: claims, t: idToken }, config.loginTtl)
  // a browser keeps cookies up to about 4 KiB: drop the logout hint first, then the claims
  if (sealed.length > 3800)
    sealed = await rt.logins.seal(
      { u: user, c: { sub: claims.sub, iss: claims.iss } },
      config.loginTtl,
    )
  context.logger.info('@paste/auth-oidc: login', { user })
  // the return URL was checked when the login started; checked again (no open redirect)
  const target = sameOrigin(config.baseUrl, p.returnTo) ?? `${config.baseUrl}${context.scriptName}/`
  return seeOther(target, [
    ...clear,
    cookie(config.cookieName, sealed, config.secure, config.loginTtl),
  ])
}

/** Logout: deletes the login cookie, then RP-initiated logout at the provider when it offers one. */
export async function logout(
  context: Context,
  rt: Runtime,
  login: JWTPayload | undefined,
): Promise<Response> {
  const { config } = rt
  const after = config.postLogoutRedirectUri ?? `${config.baseUrl}${context.scriptName}/`
  const clear = [cookie(config.cookieName, '', config.secure, 0)]
  let endSession: string | undefined
  try {
    endSession = (await rt.provider(context.signal)).endpoints.endSession
  } catch (error) {
    // the local logout still happens; the provider's session stays
    context.logger.warn('@paste/auth-oidc: logout without the provider', {
      reason: (error as Error).message,
    })
  }
  if (login) context.logger.info('@paste/auth-oidc: logout', { user: login.u })
  if (endSession === undefined) return seeOther(after, clear)
  const url = new URL(endSession)
  if (typeof login?.t === 'string') url.searchParams.set('id_token_hint', login.t)
  url.searchParams.set('post_logout_redirect_uri', after)
  url.searchParams.set('client_id', config.clientId)
  return seeOther(url.href, clear)
}
