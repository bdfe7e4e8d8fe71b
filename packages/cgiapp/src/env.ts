/*
 * The meta-variables of RFC 3875 section 4.1, built from the request and its context. The
 * environment is minimal: the meta-variables, the server variables named in `inheritEnv`
 * and the fixed `env` option, never the whole server environment.
 */
import type { Context } from '@paste/core'

/** What {@link cgiEnvironment} needs besides the request. */
export interface EnvSettings {
  /** Inherited server variables and the `env` option, resolved once. */
  base: Readonly<Record<string, string>>
  /** SCRIPT_FILENAME: the script's absolute path. */
  scriptFilename: string
  /** Whether `Authorization` becomes HTTP_AUTHORIZATION. */
  passAuthorization: boolean
  /** Whether `%2F` in the path is decoded (else 404). */
  allowEncodedSlashes: boolean
  /** Appended to QUERY_STRING after `&`. */
  query: string | undefined
  /** SERVER_SOFTWARE. */
  serverSoftware: string
  /** SERVER_PROTOCOL. */
  serverProtocol: string
}

/** The environment, or why the request cannot be expressed as one. */
export type CgiEnvironmentResult =
  | { ok: true; env: Record<string, string> }
  | { ok: false; status: 400 | 404 | 431; reason: string }

/** Request headers (all HTTP_* values together) larger than this are refused with 431. */
export const MAX_HEADER_BYTES = 65536

// Headers never turned into HTTP_* variables:
// - proxy: `HTTP_PROXY` is the proxy setting of most HTTP clients (httpoxy, CVE-2016-5385);
// - authorization, proxy-authorization: credentials (RFC 3875 4.1.18), see passAuthorization;
// - content-length, content-type: they have their own meta-variables (RFC 3875 4.1.2, 4.1.3);
// - host: HTTP_HOST is set from the context (the client-visible host).
const SKIPPED = new Set([
  'proxy',
  'authorization',
  'proxy-authorization',
  'content-length',
  'content-type',
  'host',
])
// token = 1*tchar (RFC 9110 5.6.2)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes a normalised, percent-encoded path for PATH_INFO / SCRIPT_NAME, which RFC 3875
 * (4.1.5, 4.1.13) wants not URL-encoded. Returns an error for what an environment cannot
 * carry or a script could misread: NUL (400), bytes that are not UTF-8 (400), and an encoded
 * `/` (404 unless allowed, as Apache's `AllowEncodedSlashes Off`: `a%2Fb` and `a/b` would
 * become the same path).
 *
 * @example
 * decodePath('/a%20b/%C3%A9', false) // '/a b/é'
 */
export function decodePath(
  path: string,
  allowEncodedSlashes: boolean,
): string | { status: 400 | 404; reason: string } {
  if (!path.includes('%')) return path
  if (!allowEncodedSlashes && /%2F/i.test(path))
    return { status: 404, reason: 'an encoded slash in the path' }
  const bytes: number[] = []
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i)
    if (c === 0x25 /* % */) {
      bytes.push(Number.parseInt(path.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(c) // a normalised path is ASCII
  }
  if (bytes.includes(0)) return { status: 400, reason: 'NUL in the path' }
  try {
    return decoder.decode(Uint8Array.from(bytes))
  } catch {
    return { status: 400, reason: 'a path that is not UTF-8' }
  }
}

function splitHost(host: string, scheme: string): [name: string, port: string] {
  // host = IP-literal / reg-name, [ ":" port ]: the port is after the last ':' outside brackets
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host)
  const name = m?.[1] ?? host
  return [name, m?.[2] ?? (scheme === 'https' ? '443' : '80')]
}

function headerVariables(
  request: Request,
  settings: EnvSettings,
  env: Record<string, string>,
): string | undefined {
  let size = 0
  for (const [name, value] of request.headers) {
    // Headers gives lower-case names; a name that is not a token cannot be a variable name.
    if (!TOKEN.test(name)) continue
    // `X_Forwarded_For` would become the same variable as `X-Forwarded-For`: a client could
    // spoof a header a proxy vouches for. Names with `_` are dropped (as Apache 2.4, nginx).
    if (name.includes('_')) continue
    if (SKIPPED.has(name) && !(name === 'authorization' && settings.passAuthorization)) continue
    size += name.length + value.length
    if (size > MAX_HEADER_BYTES) return 'request headers too large for a CGI environment'
    env[`HTTP_${name.toUpperCase().replaceAll('-', '_')}`] = value
  }
  return undefined
}

/**
 * Builds the environment of one CGI run (RFC 3875 section 4.1) from the request and context.
 *
 * @example
 * const result = cgiEnvironment(request, context, settings)
 * if (result.ok) spawn(script, [], { env: result.env })
 */
export function cgiEnvironment(
  request: Request,
  context: Context,
  settings: EnvSettings,
): CgiEnvironmentResult {
  const pathInfo = decodePath(context.pathInfo, settings.allowEncodedSlashes)
  if (typeof pathInfo !== 'string') return { ok: false, ...pathInfo }
  const scriptName = decodePath(context.scriptName, settings.allowEncodedSlashes)
  if (typeof scriptName !== 'string') return { ok: false, ...scriptName }
  const [serverName, serverPort] = splitHost(context.host, context.scheme)
  let query = context.search.slice(1)
  if (settings.query !== undefined)
    query = query === '' ? settings.query : `${query}&${settings.query}`
  const env: Record<string, string> = {
    ...settings.base,
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_SOFTWARE: settings.serverSoftware,
    SERVER_PROTOCOL: settings.serverProtocol,
    SERVER_NAME: serverName,
    SERVER_PORT: serverPort,
    REQUEST_METHOD: request.method,
    REQUEST_SCHEME: context.scheme,
    REQUEST_URI: context.scriptName + context.pathInfo + context.search,
    SCRIPT_NAME: scriptName,
    SCRIPT_FILENAME: settings.scriptFilename,
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    REMOTE_ADDR: context.remoteAddress,
    REMOTE_HOST: context.remoteAddress,
    HTTP_HOST: context.host,
  }
  if (context.scheme === 'https') env.HTTPS = 'on'
  if (context.remotePort !== undefined) env.REMOTE_PORT = String(context.remotePort)
  if (context.remoteUser !== undefined) env.REMOTE_USER = context.remoteUser
  if (context.remoteUser !== undefined && context.authType !== undefined)
    env.AUTH_TYPE = context.authType
  const type = request.headers.get('content-type')
  if (type !== null) env.CONTENT_TYPE = type
  const tooLarge = headerVariables(request, settings, env)
  if (tooLarge) return { ok: false, status: 431, reason: tooLarge }
  // An environment string cannot hold NUL (a user name from a form login might).
  for (const value of Object.values(env))
    if (value.includes('\0')) return { ok: false, status: 400, reason: 'NUL in a meta-variable' }
  return { ok: true, env }
}
