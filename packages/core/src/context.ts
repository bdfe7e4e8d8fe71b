import { consoleLogger, type Logger } from './logger.js'
import { isPathPrefix } from './path.js'

/**
 * A typed slot for what a middleware hands down to the apps below it (a session, the
 * recursive forwarder, configuration). Keys are objects, compared by identity, so two
 * packages can never collide on a name.
 */
export interface Key<T> {
  readonly id: symbol
  readonly name: string
  /** Phantom field carrying the value type; never set. */
  readonly __type?: T
}

/**
 * Creates a {@link Key}. Export it from your package so others can read the value.
 *
 * @example
 * export const sessionKey = createKey<Session>('@paste/session')
 * const session = context.get(sessionKey)
 */
export function createKey<T>(name: string): Key<T> {
  return Object.freeze({ id: Symbol(name), name })
}

/** What a {@link Context} is built from. */
export interface ContextInit {
  /** `http` or `https`, as the client sees it. */
  scheme: string
  /** `host[:port]`, as the client sees it. */
  host: string
  /** The mount point: `''` or `/x`, never ending in `/`. @default '' */
  scriptName?: string
  /** The rest of the path: `''` or starting with `/`. Normalised, percent-encoded. */
  pathInfo: string
  /** The query with its `?`, or `''`. @default '' */
  search?: string
  /** The client's address (after trusted proxies). @default '' */
  remoteAddress?: string
  /** The client's port, when known. */
  remotePort?: number
  /**
   * The client's address and port, asked for the first time either is read (used when
   * `remoteAddress` is not given): a server can skip asking the socket for requests that
   * never look, which saves memory per keep-alive connection on Node. Asked at most once,
   * synchronously; the contexts derived from this one share the answer.
   */
  peer?: PeerSource
  /** The authenticated user (WSGI `REMOTE_USER`). */
  remoteUser?: string | undefined
  /** How the user was authenticated (WSGI `AUTH_TYPE`): `basic`, `digest`, `cookie`... */
  authType?: string | undefined
  /** Fires when the client goes away. @default a signal that never fires */
  signal?: AbortSignal
  /** Where middleware reports errors. @default consoleLogger */
  logger?: Logger
}

/**
 * Where a context asks for the client's address and port when first read: a function, or an
 * object whose `remoteAddress`/`remotePort` are read then, such as Node's `net.Socket`
 * (passing the socket itself costs nothing per request; a function is a closure each time).
 *
 * @example
 * const peer: PeerSource = req.socket
 * const peer2: PeerSource = () => ({ address: conn.remoteAddr.hostname, port: conn.remoteAddr.port })
 */
export type PeerSource =
  | (() => { address: string; port?: number | undefined })
  | { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined }

/** Asks a {@link PeerSource} (internal). */
export function askPeer(source: PeerSource): { address: string; port: number | undefined } {
  if (typeof source === 'function') {
    const answer = source()
    return { address: answer.address, port: answer.port }
  }
  return { address: source.remoteAddress ?? '', port: source.remotePort }
}

/** The fields {@link Context.derive} may change. */
export type ContextChanges = Partial<Omit<ContextInit, 'signal' | 'logger' | 'peer'>> & {
  signal?: AbortSignal
  logger?: Logger
}

const NEVER = new AbortController().signal
const EMPTY: Record<symbol, unknown> = Object.freeze(Object.create(null))

function checkSplit(scriptName: string, pathInfo: string): void {
  if (scriptName !== '' && (scriptName[0] !== '/' || scriptName.endsWith('/')))
    throw new TypeError(
      `@paste/core: scriptName must be '' or '/x' without a trailing slash, got ${JSON.stringify(scriptName)}`,
    )
  if (pathInfo !== '' && pathInfo[0] !== '/')
    throw new TypeError(
      `@paste/core: pathInfo must be '' or start with '/', got ${JSON.stringify(pathInfo)}`,
    )
}

/** The client's address and port: known, or still to be asked (shared by derived contexts). */
interface Peer {
  address: string
  port: number | undefined
  ask: PeerSource | undefined
}

function known(address: string, port: number | undefined): Peer {
  return { address, port, ask: undefined }
}

function resolved(peer: Peer): Peer {
  const ask = peer.ask
  if (ask !== undefined) {
    peer.ask = undefined
    const answer = askPeer(ask)
    peer.address = answer.address
    peer.port = answer.port
  }
  return peer
}

// what #init hands the constructor so a derived context shares its parent's Peer
const kPeer: unique symbol = Symbol('paste.peer')
type InitWithPeer = ContextInit & { [kPeer]?: Peer }

// shift() runs on every dispatch: it hands the constructor the parent and the new split
// through this one record (the constructor copies it synchronously) instead of building a
// ten-field init for the constructor to re-read and re-check. SPLIT marks that call.
const SPLIT = Object.freeze({ scheme: '', host: '', pathInfo: '' }) as ContextInit
const split: { from: Context | undefined; scriptName: string; pathInfo: string } = {
  from: undefined,
  scriptName: '',
  pathInfo: '',
}

/**
 * What WSGI's environ carried and a Fetch `Request` lacks: the mount split, the client's
 * address, the authenticated user, the client-visible URL, an abort signal, and typed
 * extension slots. A context is immutable: {@link Context.derive}, {@link Context.with} and
 * {@link Context.shift} return a new one and leave the caller's as it was.
 *
 * @example
 * const inner = context.shift('/blog')   // scriptName '/blog', pathInfo '/2024'
 * const withUser = context.derive({ remoteUser: 'alice', authType: 'basic' })
 */
export class Context {
  readonly scheme: string
  readonly host: string
  readonly scriptName: string
  readonly pathInfo: string
  readonly search: string
  readonly remoteUser: string | undefined
  readonly authType: string | undefined
  readonly signal: AbortSignal
  readonly logger: Logger
  readonly #slots: Record<symbol, unknown>
  readonly #peer: Peer
  #url: URL | undefined

  constructor(init: ContextInit, slots: Record<symbol, unknown> = EMPTY) {
    if (init === SPLIT && split.from !== undefined) {
      const from = split.from
      split.from = undefined
      this.scheme = from.scheme
      this.host = from.host
      this.scriptName = split.scriptName
      this.pathInfo = split.pathInfo
      this.search = from.search
      this.remoteUser = from.remoteUser
      this.authType = from.authType
      this.signal = from.signal
      this.logger = from.logger
      this.#slots = from.#slots
      this.#peer = from.#peer
      return
    }
    const scriptName = init.scriptName ?? ''
    checkSplit(scriptName, init.pathInfo)
    this.scheme = init.scheme
    this.host = init.host
    this.scriptName = scriptName
    this.pathInfo = init.pathInfo
    this.search = init.search ?? ''
    const inherited = (init as InitWithPeer)[kPeer]
    const portGiven = 'remotePort' in init
    if (inherited !== undefined && init.remoteAddress === undefined && !portGiven)
      this.#peer = inherited // derived without a change to the peer: share it, asked or not
    else if (inherited !== undefined) {
      // derive() changing the address or the port: the other one is the parent's
      const parent = resolved(inherited)
      this.#peer = known(
        init.remoteAddress ?? parent.address,
        portGiven ? init.remotePort : parent.port,
      )
    } else if (init.remoteAddress === undefined && init.peer !== undefined)
      this.#peer = { address: '', port: undefined, ask: init.peer }
    else this.#peer = known(init.remoteAddress ?? '', init.remotePort)
    this.remoteUser = init.remoteUser
    this.authType = init.authType
    this.signal = init.signal ?? NEVER
    this.logger = init.logger ?? consoleLogger
    this.#slots = slots
  }

  /** The client's address (after trusted proxies), or `''` when unknown. */
  get remoteAddress(): string {
    return resolved(this.#peer).address
  }

  /** The client's port, when known. */
  get remotePort(): number | undefined {
    return resolved(this.#peer).port
  }

  /** `scheme://host`, as the client sees it. */
  get origin(): string {
    return `${this.scheme}://${this.host}`
  }

  /** The full URL as the client sees it (Paste's `construct_url`). */
  get url(): URL {
    this.#url ??= new URL(`${this.origin}${this.scriptName}${this.pathInfo}${this.search}`)
    return this.#url
  }

  /** The URL of the mount point, without pathInfo or query (`construct_url(with_path_info=False)`). */
  get applicationUrl(): string {
    return `${this.origin}${this.scriptName}`
  }

  /** Reads an extension slot. */
  get<T>(key: Key<T>): T | undefined {
    return this.#slots[key.id] as T | undefined
  }

  /** Tells whether an extension slot is set. */
  has(key: Key<unknown>): boolean {
    return key.id in this.#slots
  }

  /** Reads an extension slot that must be set, or throws naming the missing key. */
  require<T>(key: Key<T>): T {
    if (!(key.id in this.#slots))
      throw new Error(
        `@paste/core: ${key.name} is not available here; is its middleware installed above this app?`,
      )
    return this.#slots[key.id] as T
  }

  /** A new context with one extension slot set; this one is unchanged. */
  with<T>(key: Key<T>, value: T): Context {
    const slots = Object.create(this.#slots) as Record<symbol, unknown>
    slots[key.id] = value
    return new Context(this.#init(), slots)
  }

  /** A new context with some fields changed (invariants checked); this one is unchanged. */
  derive(changes: ContextChanges): Context {
    // one record: this context's fields, overwritten by the changes (as a spread would)
    return new Context(Object.assign(this.#init(), changes), this.#slots)
  }

  /**
   * Moves a whole-segment prefix of pathInfo to the end of scriptName, as a dispatcher does
   * for the app it mounts. Throws if `prefix` is not a segment prefix of pathInfo.
   *
   * @example
   * context.shift('/blog') // '' + '/blog/x'  ->  '/blog' + '/x'
   */
  shift(prefix: string): Context {
    const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
    // ('/a//' leaves '/a/': a scriptName may not end in a slash)
    if (!isPathPrefix(p, this.pathInfo) || p.endsWith('/'))
      throw new TypeError(
        `@paste/core: ${JSON.stringify(prefix)} is not a prefix of pathInfo ${JSON.stringify(this.pathInfo)}`,
      )
    // a whole-segment prefix of a valid split keeps the split valid: nothing to re-check
    split.from = this
    split.scriptName = this.scriptName + p
    split.pathInfo = this.pathInfo.slice(p.length)
    return new Context(SPLIT)
  }

  #init(): ContextInit {
    const init: ContextInit = {
      scheme: this.scheme,
      host: this.host,
      scriptName: this.scriptName,
      pathInfo: this.pathInfo,
      search: this.search,
      remoteUser: this.remoteUser,
      authType: this.authType,
      signal: this.signal,
      logger: this.logger,
    }
    ;(init as InitWithPeer)[kPeer] = this.#peer
    return init
  }
}
