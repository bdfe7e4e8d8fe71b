/*
 * A real OpenID provider for the tests: panva's oidc-provider (a certified OP) on
 * 127.0.0.1, with its development login and consent pages, RP-initiated logout and two
 * confidential clients (RS256 with client_secret_basic, ES256 with client_secret_post)
 * plus a public client.
 */
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import Provider, { type ClientMetadata } from 'oidc-provider'

export interface TestOp {
  issuer: string
  close(): Promise<void>
}

export const APP = 'https://app.example.org'
export const SECRET = 'a-client-secret-that-is-long-enough-for-hs256-0123456789'

export async function startOp(): Promise<TestOp> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const rsa = await generateKeyPair('RS256', { extractable: true })
  const ec = await generateKeyPair('ES256', { extractable: true })
  const keys = [
    { ...(await exportJWK(rsa.privateKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.privateKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
  ]
  const client: Omit<ClientMetadata, 'client_id'> = {
    redirect_uris: [`${APP}/oidc/callback`, `${APP}/mount/oidc/callback`],
    post_logout_redirect_uris: [`${APP}/`, `${APP}/bye`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }
  const provider = new Provider(issuer, {
    clients: [
      {
        ...client,
        client_id: 'rs',
        client_secret: SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        ...client,
        client_id: 'es',
        client_secret: SECRET,
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
      },
      { ...client, client_id: 'public', token_endpoint_auth_method: 'none' },
    ],
    jwks: { keys },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: `${id}@example.org`, email_verified: true }),
    }),
  })
  // quiet: the provider reports expected client errors on its 'server_error' event only
  server.on('request', provider.callback())
  return {
    issuer,
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}
