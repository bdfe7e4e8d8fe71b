import type { App } from './app.js'
import { askPeer, Context, type ContextInit, type PeerSource } from './context.js'
import { internalServerError, isHttpError, MalformedRequestError } from './error.js'
import { compileTrust, resolveClientView, TRUST_NONE, type TrustProxy } from './forwarded.js'
import { parseIp } from './ip.js'
import { consoleLogger, type Logger } from './logger.js'
import { normalizePath } from './path.js'

/**
 * Options for {@link createContext} and {@link contextFromParts}.
 *
 * @example
 * const options: ContextOptions = { trustProxy: ['loopback'], scriptName: '/app' }
 * const build = contextBuilder(options)
 */
export interface ContextOptions {
  /** Peers whose Forwarded / X-Forwarded-* headers are believed. @default false */
  trustProxy?: TrustProxy | ((address: string, hop: number) => boolean)
  /** Where middleware reports errors. @default consoleLogger */
  logger?: Logger
  /** A mount point the host framework already consumed, removed from the path. @default '' */
  scriptName?: string
}

/** The raw parts of a request, as a server receives them. */
export interface RequestParts {
  /** The request-target: origin-form (`/p?q`), absolute-form (`http://h/p`) or `*`. */
  target: string
  /** Reads a request header by lower-case name. */
  header(name: string): string | null | undefined
  /** The peer's address. */
  remoteAddress?: string
  /** The peer's port. */
  remotePort?: number
  /**
   * The peer's address and port, asked only when needed (instead of remoteAddress and
   * remotePort): when no proxy is trusted, the context asks on first read of
   * `remoteAddress`/`remotePort`; otherwise at once. A function, or Node's socket itself.
   */
  peer?: PeerSource
  /** Whether the connection is TLS. */
  secure: boolean
  /** Fires when the client goes away. */
  signal?: AbortSignal
}

// host = IP-literal / IPv4address / reg-name, [ ":" port ]   (RFC 9110 section 7.2, RFC 3986 3.2.2)
const HOST = /^(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9_](?:[A-Za-z0-9\-._]{0,252}))(?::(\d{1,5}))?$/
// A last label WHATWG URL reads as a number, which makes the whole name an IPv4 address
// (`1.2.3.999`, `0x100000000` and `999` are "IPv4" there, and fail or change meaning).
const NUMERIC_LABEL = /^(?:\d+|0[xX][0-9A-Fa-f]*)$/
// The host of the previous request (a server sees the same Host again and again).
let lastValidHost = ''

/**
 * Tells whether a Host header value is well formed: the RFC 3986 shape, a port up to 65535,
 * an IP-literal that is an IPv6 address, and a name that ends in a number only when it is a
 * dotted-quad IPv4 address. Whatever passes also parses as a WHATWG URL authority, so
 * `context.url` cannot throw on a hostile Host.
 *
 * @example
 * isValidHost('example.com:8080') // true
 * isValidHost('evil.com/x')       // false
 * isValidHost('1.2.3.999')        // false (WHATWG URL refuses it as an IPv4 address)
 */
export function isValidHost(host: string): boolean {
  if (host === lastValidHost) return true
  const m = HOST.exec(host)
  if (m === null || (m[2] !== undefined && Number(m[2]) > 65535)) return false
  const name = m[1]!
  if (name.charCodeAt(0) === 91 /* [ */) {
    if (!name.includes(':') || parseIp(name) === null) return false
  } else {
    // a name ending in a number must be exactly a dotted quad (no trailing dot, no octal)
    const bare = name.endsWith('.') ? name.slice(0, -1) : name
    const last = bare.slice(bare.lastIndexOf('.') + 1)
    if (NUMERIC_LABEL.test(last) && (bare !== name || parseIp(name) === null)) return false
  }
  lastValidHost = host
  return true
}

/**
 * Builds a context from the raw parts of a request (what `@paste/httpserver` does for every
 * request). Throws {@link MalformedRequestError} (a 400) for a malformed target or Host.
 *
 * @example
 * const context = contextFromParts(
 *   { target: req.url, header: (n) => req.headers[n], remoteAddress: req.socket.remoteAddress, secure: false },
 *   { trustProxy: ['loopback'] },
 * )
 */
export function contextFromParts(parts: RequestParts, options: ContextOptions = {}): Context {
  return buildContext(parts, compileTrust(options.trustProxy), options)
}

/**
 * Compiles the options once and returns a fast per-request context builder.
 *
 * @example
 * const build = contextBuilder({ trustProxy: ['loopback'] })
 * const context = build({ target: req.url, header: (n) => req.headers[n], secure: false })
 */
export function contextBuilder(options: ContextOptions = {}): (parts: RequestParts) => Context {
  const trusted = compileTrust(options.trustProxy)
  return (parts) => buildContext(parts, trusted, options)
}

const NO_VIEW = { remoteAddress: '', scheme: undefined, host: undefined } as const

function buildContext(
  parts: RequestParts,
  trusted: (address: string, hop: number) => boolean,
  options: ContextOptions,
): Context {
  let target = parts.target
  let host = parts.header('host') ?? undefined
  if (target.length > 0 && target.charCodeAt(0) !== 47 /* / */) {
    if (target === '*') target = '/'
    else {
      // absolute-form: the target's authority replaces Host (RFC 9112 section 3.2.2)
      const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^#]*)$/.exec(target)
      if (!m) throw new MalformedRequestError('malformed request target')
      host = m[1]!
      target = m[2] === '' ? '/' : m[2]!
      if (target[0] !== '/') target = `/${target}`
    }
  }
  const q = target.indexOf('?')
  const rawPath = q === -1 ? target : target.slice(0, q)
  const path = normalizePath(rawPath)
  if (path === null) throw new MalformedRequestError('malformed request path')
  if (host === undefined || !isValidHost(host))
    throw new MalformedRequestError('missing or malformed Host')
  // no trusted proxy: the peer is the client, and it is asked only if someone reads it
  const lazyPeer =
    trusted === TRUST_NONE && parts.peer !== undefined && parts.remoteAddress === undefined
  let peerAddress = parts.remoteAddress ?? ''
  let peerPort = parts.remotePort
  if (!lazyPeer && parts.remoteAddress === undefined && parts.peer !== undefined) {
    const answer = askPeer(parts.peer)
    peerAddress = answer.address
    peerPort = answer.port
  }
  const view = lazyPeer ? NO_VIEW : resolveClientView(peerAddress, parts.header, trusted)
  const scheme =
    view.scheme === 'https' || view.scheme === 'http'
      ? view.scheme
      : parts.secure
        ? 'https'
        : 'http'
  const visibleHost = view.host !== undefined && isValidHost(view.host) ? view.host : host
  const scriptName = options.scriptName ?? ''
  let pathInfo = path
  if (scriptName !== '') {
    if (!(path === scriptName || path.startsWith(`${scriptName}/`)))
      throw new MalformedRequestError('path outside the mount point')
    pathInfo = path.slice(scriptName.length)
  }
  const init: ContextInit = {
    scheme,
    host: visibleHost,
    scriptName,
    pathInfo,
    search: q === -1 || q === target.length - 1 ? '' : target.slice(q),
  }
  if (lazyPeer) init.peer = parts.peer!
  else {
    init.remoteAddress = view.remoteAddress
    // the port is the peer's: kept only when the client is the peer
    if (peerPort !== undefined && view.remoteAddress === peerAddress) init.remotePort = peerPort
  }
  if (parts.signal) init.signal = parts.signal
  if (options.logger) init.logger = options.logger
  return new Context(init)
}

/** Options for {@link createContext}. */
export interface CreateContextOptions extends ContextOptions {
  /** The peer's address. @default '' (or 127.0.0.1 for in-process tests) */
  remoteAddress?: string
  /** The peer's port. */
  remotePort?: number
  /** Fires when the client goes away. @default request.signal */
  signal?: AbortSignal
}

/**
 * Builds a context for a standard `Request` (for Deno, Bun, Workers or in-process tests).
 *
 * @example
 * export default { fetch: (request) => app(request, createContext(request)) }
 */
export function createContext(request: Request, options: CreateContextOptions = {}): Context {
  const url = new URL(request.url)
  const parts: RequestParts = {
    target: url.pathname + url.search,
    header: (name) =>
      name === 'host' ? (request.headers.get('host') ?? url.host) : request.headers.get(name),
    remoteAddress: options.remoteAddress ?? '',
    secure: url.protocol === 'https:',
    signal: options.signal ?? request.signal,
  }
  if (options.remotePort !== undefined) parts.remotePort = options.remotePort
  return contextFromParts(parts, options)
}

/**
 * Runs an App on a standard Fetch handler signature: the one-line adapter for Deno, Bun,
 * Cloudflare Workers and service workers. Thrown HTTP errors become their responses, other
 * errors a plain 500.
 *
 * @example
 * Deno.serve(toFetchHandler(app))
 * export default { fetch: toFetchHandler(app) }   // Bun, Workers
 */
export function toFetchHandler(
  app: App,
  options: CreateContextOptions = {},
): (request: Request) => Promise<Response> {
  return async function fetchHandler(request) {
    let context: Context
    try {
      context = createContext(request, options)
      return await app(request, context)
    } catch (error) {
      if (isHttpError(error)) return error.toResponse(request)
      ;(options.logger ?? consoleLogger).error('unhandled error', { error })
      return internalServerError()
    }
  }
}
