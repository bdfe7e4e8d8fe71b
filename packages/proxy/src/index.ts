/*
 * Reverse proxy Apps (Paste's paste.proxy): the request goes to another HTTP server and its
 * answer comes back, both bodies streamed with backpressure. Hop-by-hop headers (RFC 9110
 * section 7.6.1) are removed in both directions, X-Forwarded-* describe the client as this
 * server resolved it (never as the client claims), and Location headers pointing at the
 * upstream are rewritten to the address the client used. node:http is used rather than
 * fetch, which would decode compressed bodies and leave their Content-Encoding in place.
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { Readable } from 'node:stream'
import type { App, Context } from '@paste/core'

/** Options shared by {@link proxy} and {@link transparentProxy}. */
export interface ProxyOptions {
  /** Methods forwarded; others get 405 with `Allow`. @default every method */
  allowedMethods?: readonly string[]
  /** Request headers never forwarded (Paste's `suppress_http_headers`). @default none */
  suppressHeaders?: readonly string[]
  /**
   * Set `X-Forwarded-For`, `-Proto` and `-Host` from what this server knows of the client
   * (its address after `trustProxy`), replacing any the client sent. @default true
   */
  xForwarded?: boolean
  /** A `Via` pseudonym (RFC 9110 section 7.6.3) added both ways, or `false`. @default false */
  via?: string | false
  /** Milliseconds to wait for the upstream's response headers before a 504. @default 30000 */
  timeout?: number
  /** The agent for upstream connections. @default a keep-alive agent per proxy */
  agent?: Agent
}

/** Options for {@link proxy}. */
export interface FixedProxyOptions extends ProxyOptions {
  /** Send the client's Host instead of the target's. @default false */
  preserveHost?: boolean
  /** Rewrite `Location` and `Content-Location` that point into the target. @default true */
  rewriteLocation?: boolean
}

/** Options for {@link transparentProxy}. */
export interface TransparentProxyOptions extends ProxyOptions {
  /** Connect to this `host[:port]` instead of the request's Host (which is still sent). */
  forceHost?: string
  /** Connect with this scheme instead of the request's. */
  forceScheme?: 'http' | 'https'
  /**
   * The Hosts (`name` or `name:port`, lower case) requests may go to, or a function deciding.
   * Required without `forceHost`: otherwise anyone could use the server to reach any host
   * it can reach (an open proxy, and a way into the internal network).
   */
  allowHosts?: readonly string[] | ((host: string) => boolean)
}

// RFC 9110 section 7.6.1, plus the proxy-only and obsolete ones
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])
const X_FORWARDED = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded']
const NULL_BODY = new Set([204, 205, 304])
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function fail(message: string): never {
  throw new TypeError(`@paste/proxy: ${message}`)
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(`${body}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  })
}

/** Names a Connection header lists: hop-by-hop too (RFC 9110 section 7.6.1). */
function connectionListed(value: string | null | undefined): Set<string> {
  const names = new Set<string>()
  for (const name of (value ?? '').split(',')) {
    const n = name.trim().toLowerCase()
    if (n !== '') names.add(n)
  }
  return names
}

/** The pseudonyms (or hosts) a Via header lists. */
function viaNames(value: string | null): Set<string> {
  const names = new Set<string>()
  for (const hop of (value ?? '').split(',')) {
    const name = hop.trim().split(/\s+/)[1]
    if (name) names.add(name)
  }
  return names
}

interface Resolved {
  methods: Set<string> | undefined
  suppress: Set<string>
  xForwarded: boolean
  via: string | undefined
  timeout: number
  agents: { http: Agent; https: HttpsAgent }
}

function resolve(options: ProxyOptions): Resolved {
  const timeout = options.timeout ?? 30_000
  if (!Number.isSafeInteger(timeout) || timeout <= 0) fail('timeout must be a positive integer')
  const via = options.via === undefined || options.via === false ? undefined : options.via
  if (via !== undefined && (typeof via !== 'string' || !TOKEN.test(via)))
    fail('via must be a token (letters, digits, -._~...)')
  for (const m of options.allowedMethods ?? [])
    if (typeof m !== 'string' || !TOKEN.test(m)) fail(`not a method: ${String(m)}`)
  const keepAlive = { keepAlive: true, maxSockets: 256 }
  return {
    methods: options.allowedMethods && new Set(options.allowedMethods.map((m) => m.toUpperCase())),
    suppress: new Set((options.suppressHeaders ?? []).map((h) => h.toLowerCase())),
    xForwarded: options.xForwarded ?? true,
    via,
    timeout,
    agents: {
      http: options.agent ?? new Agent(keepAlive),
      https: (options.agent as HttpsAgent | undefined) ?? new HttpsAgent(keepAlive),
    },
  }
}

/** The request headers to send upstream. */
function outgoingHeaders(
  request: Request,
  context: Context,
  host: string,
  settings: Resolved,
): Record<string, string> {
  const listed = connectionListed(request.headers.get('connection'))
  const out: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    if (HOP_BY_HOP.has(name) || listed.has(name) || settings.suppress.has(name)) return
    if (name === 'host' || (settings.xForwarded && X_FORWARDED.includes(name))) return
    out[name] = value
  })
  out.host = host
  if (settings.xForwarded) {
    if (context.remoteAddress !== '') out['x-forwarded-for'] = context.remoteAddress
    out['x-forwarded-proto'] = context.scheme
    out['x-forwarded-host'] = context.host
  }
  if (settings.via !== undefined) {
    const version = '1.1'
    const before = request.headers.get('via')
    out.via = before ? `${before}, ${version} ${settings.via}` : `${version} ${settings.via}`
  }
  return out
}

/** The upstream's response headers for the client. */
function incomingHeaders(
  upstream: IncomingMessage,
  settings: Resolved,
  rewrite: ((location: string) => string) | undefined,
): Headers {
  const listed = connectionListed(upstream.headers.connection)
  const headers = new Headers()
  const raw = upstream.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase()
    if (HOP_BY_HOP.has(name) || listed.has(name)) continue
    let value = raw[i + 1]!
    if (rewrite && (name === 'location' || name === 'content-location')) value = rewrite(value)
    headers.append(name, value)
  }
  if (settings.via !== undefined) headers.append('via', `1.1 ${settings.via}`)
  return headers
}

class UpstreamTimeout extends Error {}

/** Sends the request to `url` and answers with what comes back. */
function forward(
  request: Request,
  context: Context,
  url: URL,
  host: string,
  settings: Resolved,
  rewrite: ((location: string) => string) | undefined,
): Promise<Response> {
  const method = request.method
  if (settings.methods && !settings.methods.has(method))
    return Promise.resolve(
      text(405, 'Method Not Allowed', { allow: [...settings.methods].join(', ') }),
    )
  // our own pseudonym in Via: this request has been through here (a loop)
  if (settings.via !== undefined && viaNames(request.headers.get('via')).has(settings.via))
    return Promise.resolve(text(508, 'Loop Detected'))
  const headers = outgoingHeaders(request, context, host, settings)
  const secure = url.protocol === 'https:'
  const body = method === 'GET' || method === 'HEAD' ? null : request.body
  return new Promise<Response>((resolvePromise) => {
    let settled = false
    const answer = (response: Response) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      context.signal.removeEventListener('abort', onAbort)
      resolvePromise(response)
    }
    const upstream = (secure ? httpsRequest : httpRequest)(url, {
      method,
      headers,
      agent: secure ? settings.agents.https : settings.agents.http,
    })
    const timer = setTimeout(() => upstream.destroy(new UpstreamTimeout()), settings.timeout)
    const onAbort = () => upstream.destroy(new Error('the client went away'))
    context.signal.addEventListener('abort', onAbort, { once: true })
    upstream.on('error', (error) => {
      if (error instanceof UpstreamTimeout) {
        context.logger.error('@paste/proxy: the upstream did not answer in time', {
          upstream: url.origin,
          timeout: settings.timeout,
        })
        answer(text(504, 'Gateway Timeout'))
      } else {
        if (!context.signal.aborted)
          context.logger.error('@paste/proxy: the upstream failed', {
            upstream: url.origin,
            error,
          })
        answer(text(502, 'Bad Gateway'))
      }
    })
    upstream.on('response', (res) => {
      const status = res.statusCode ?? 502
      let response: Response
      try {
        const out = incomingHeaders(res, settings, rewrite)
        const empty = method === 'HEAD' || NULL_BODY.has(status)
        if (empty) res.resume()
        response = new Response(
          empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>),
          {
            status,
            statusText: res.statusMessage ?? '',
            headers: out,
          },
        )
      } catch (error) {
        // a status or header the Fetch API refuses (a status over 599, an invalid value)
        res.destroy()
        context.logger.error('@paste/proxy: the upstream sent an invalid response', {
          upstream: url.origin,
          error,
        })
        response = text(502, 'Bad Gateway')
      }
      answer(response)
    })
    if (body === null) upstream.end()
    else {
      const source = Readable.fromWeb(body as import('node:stream/web').ReadableStream)
      // a request body that fails (too large, client gone) fails the upstream request too
      source.on('error', (error) => upstream.destroy(error))
      source.pipe(upstream)
    }
  })
}

/** Joins a base path (no trailing slash needed) and a pathInfo. */
function joinPath(base: string, pathInfo: string): string {
  const trimmed = base.endsWith('/') ? base.slice(0, -1) : base
  const path = trimmed + pathInfo
  return path === '' ? '/' : path
}

/**
 * An App forwarding every request to `target` (`http://host:port/base`): the request's
 * pathInfo and query go after the target's path. The upstream sees the target's Host
 * (unless `preserveHost`), and Locations it sends into the target are rewritten to the
 * client's view of this mount point.
 *
 * @example
 * const site = urlMap({ '/api': proxy('http://127.0.0.1:9000/v2'), '/': app })
 */
export function proxy(target: string | URL, options: FixedProxyOptions = {}): App {
  let base: URL
  try {
    base = new URL(target)
  } catch {
    fail(`target must be an absolute http(s) URL, got ${JSON.stringify(String(target))}`)
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    fail('target must be an http: or https: URL')
  if (base.username || base.password) fail('target must not carry credentials')
  if (base.search || base.hash) fail('target must not have a query or fragment')
  const settings = resolve(options)
  const preserveHost = options.preserveHost ?? false
  const rewriteLocation = options.rewriteLocation ?? true
  const basePath = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname

  return function proxyApp(request, context) {
    const url = new URL(base.origin)
    url.pathname = joinPath(basePath, context.pathInfo)
    url.search = context.search
    const rewrite = rewriteLocation
      ? (location: string) => {
          let to: URL
          try {
            to = new URL(location, url)
          } catch {
            return location
          }
          if (to.origin !== base.origin) return location
          const path = to.pathname
          const inside =
            basePath === ''
              ? ''
              : path === basePath || path.startsWith(`${basePath}/`)
                ? basePath
                : undefined
          if (inside === undefined) return location
          return `${context.origin}${context.scriptName}${path.slice(inside.length)}${to.search}${to.hash}`
        }
      : undefined
    return forward(
      request,
      context,
      url,
      preserveHost ? context.host : base.host,
      settings,
      rewrite,
    )
  }
}

/**
 * An App forwarding each request to where it says it is going: its own Host and path
 * (Paste's `TransparentProxy`), for a forward proxy in front of several sites, or with
 * `forceHost` to send every site's traffic to one server keeping each Host.
 *
 * @example
 * const site = transparentProxy({ forceHost: '127.0.0.1:8080' })
 */
export function transparentProxy(options: TransparentProxyOptions = {}): App {
  const settings = resolve(options)
  const force = options.forceHost
  if (
    force !== undefined &&
    !/^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/.test(force)
  )
    fail('forceHost must be host[:port]')
  const scheme = options.forceScheme
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https')
    fail("forceScheme must be 'http' or 'https'")
  const allow = options.allowHosts
  if (force === undefined && allow === undefined)
    fail('without forceHost, give allowHosts: an unrestricted transparent proxy is an open proxy')
  const allowed =
    allow === undefined
      ? () => true
      : typeof allow === 'function'
        ? allow
        : (
            (list: Set<string>) => (host: string) =>
              list.has(host)
          )(new Set(allow.map((h) => h.toLowerCase())))
  return function transparentProxyApp(request, context) {
    if (force === undefined && !allowed(context.host.toLowerCase()))
      return text(403, 'Forbidden: this proxy does not forward to that host')
    const url = new URL(`${scheme ?? context.scheme}://${force ?? context.host}`)
    url.pathname = joinPath(context.scriptName, context.pathInfo)
    url.search = context.search
    return forward(request, context, url, context.host, settings, undefined)
  }
}
