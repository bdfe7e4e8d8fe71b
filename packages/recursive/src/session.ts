import { type App, type Context, createKey, isHttpError } from '@paste/core'
import { InternalServerError } from '@paste/httpexceptions'
import { type ForwardInit, isForwardRequest, type RedirectInit } from './forward.js'
import { checkKeepHeaders, subrequestHeaders } from './headers.js'
import { readText } from './read.js'
import { parseTarget } from './target.js'

/**
 * A response fetched with {@link Forwarder.include}, read whole.
 *
 * @example
 * const { status, body } = await context.require(forwarderKey).include('/fragments/nav')
 */
export interface Included {
  status: number
  headers: Headers
  body: string
}

/**
 * What `recursive()` puts in the context for the apps below it.
 *
 * @example
 * const forwarder: Forwarder = context.require(forwarderKey)
 * return forwarder.forward('/login')
 */
export interface Forwarder {
  /** Answers with another path's response (a GET subrequest without the original body). */
  forward(path: string, init?: ForwardInit): Promise<Response>
  /** Fetches another path's response, read whole, to embed in this one. */
  include(path: string, init?: ForwardInit): Promise<Included>
  /** Re-runs the original request (method, headers, unread body) on another path. */
  redirect(path: string, init?: RedirectInit): Promise<Response>
  /** The mount point of `recursive()`: forward paths are relative to it. */
  readonly scriptName: string
  /** The paths (relative to the mount) this request has visited, oldest first. */
  readonly chain: readonly string[]
}

/**
 * The context slot holding the {@link Forwarder}.
 *
 * @example
 * return context.require(forwarderKey).forward('/login')
 */
export const forwarderKey = createKey<Forwarder>('@paste/recursive')

/** Settings resolved once by `recursive()`. */
export interface Settings {
  keep: readonly string[]
  maxDepth: number
  maxIncludeBytes: number
}

type Hop = { request: Request; context: Context; chain: readonly string[] }

/** Replaces a response's status, keeping its headers (and body where the status allows one). */
export function withStatus(response: Response, status: number | undefined): Response {
  if (status === undefined || status === response.status) return response
  const bodyless = status === 204 || status === 205 || status === 304
  if (bodyless) response.body?.cancel().catch(() => {})
  return new Response(bodyless ? null : response.body, { status, headers: response.headers })
}

function checkStatus(status: number | undefined): void {
  if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 599))
    throw new TypeError('@paste/recursive: status must be an integer 200-599')
}

/** One client request at the recursive level, and every subrequest it makes. */
export class Session {
  constructor(
    readonly app: App,
    readonly request: Request,
    readonly context: Context,
    readonly settings: Settings,
  ) {}

  /** Runs the app, following thrown forwards iteratively (a cycle cannot grow the stack). */
  async run(hop: Hop): Promise<Response> {
    let status: number | undefined
    for (;;) {
      let thrown: unknown
      try {
        const response = await this.app(
          hop.request,
          hop.context.with(forwarderKey, this.forwarder(hop)),
        )
        return withStatus(response, status)
      } catch (error) {
        if (!isForwardRequest(error)) throw error
        thrown = error
      }
      const forward = thrown as { path: string; init: ForwardInit; preserve: boolean }
      const next = this.hop(hop, forward.path, forward.init, forward.preserve)
      if (next instanceof Response) return next
      // the first forward's status wins: it speaks for the original request
      status ??= forward.init.status
      hop = next
    }
  }

  /** Builds the next hop, or the 500 that ends a loop. */
  hop(from: Hop, path: string, init: ForwardInit, preserve: boolean): Hop | Response {
    const target = parseTarget(path)
    if (target === null)
      throw new TypeError(
        `@paste/recursive: forward paths start with / and stay in the app: ${JSON.stringify(path)}`,
      )
    checkStatus(init.status)
    if (from.chain.includes(target.pathInfo) || from.chain.length > this.settings.maxDepth)
      return this.loop([...from.chain, target.pathInfo])
    const base = this.context
    const search = target.search ?? (preserve ? from.context.search : '')
    const url = `${base.origin}${base.scriptName}${target.pathInfo}${search}`
    const request = preserve ? this.replay(from.request, url) : this.subrequest(url, init)
    const context = base.derive({ pathInfo: target.pathInfo, search })
    return { request, context, chain: [...from.chain, target.pathInfo] }
  }

  subrequest(url: string, init: ForwardInit): Request {
    const keep = init.keepHeaders
      ? checkKeepHeaders(init.keepHeaders, 'keepHeaders')
      : this.settings.keep
    const headers = subrequestHeaders(this.request.headers, keep, init.headers)
    return new Request(url, { method: init.method ?? 'GET', headers, signal: this.request.signal })
  }

  replay(request: Request, url: string): Request {
    // a body is read once: re-sending one an app has consumed would send nothing
    if (request.body !== null && request.bodyUsed)
      throw new Error('@paste/recursive: internal redirect after the request body was read')
    const init = {
      method: request.method,
      headers: request.headers,
      body: request.body,
      duplex: 'half',
      signal: request.signal,
    }
    return new Request(url, init as RequestInit)
  }

  loop(chain: readonly string[]): Response {
    const why =
      chain.length > this.settings.maxDepth + 1 ? 'too many internal forwards' : 'forwarding loop'
    this.context.logger.error(`@paste/recursive: ${why}`, { chain })
    return new InternalServerError({ detail: `${why}: ${chain.join(' -> ')}` }).toResponse(
      this.request,
      this.context,
    )
  }

  forwarder(hop: Hop): Forwarder {
    return {
      scriptName: this.context.scriptName,
      chain: hop.chain,
      forward: async (path, init = {}) => {
        const next = this.hop(hop, path, init, false)
        return next instanceof Response ? next : withStatus(await this.run(next), init.status)
      },
      redirect: async (path, init = {}) => {
        const next = this.hop(hop, path, init, true)
        return next instanceof Response ? next : withStatus(await this.run(next), init.status)
      },
      include: (path, init = {}) => this.include(hop, path, init),
    }
  }

  async include(hop: Hop, path: string, init: ForwardInit): Promise<Included> {
    const { status: _ignored, ...subrequest } = init
    const next = this.hop(hop, path, subrequest, false)
    if (next instanceof Response) {
      next.body?.cancel().catch(() => {})
      throw new InternalServerError({ detail: `include loop at ${path}` })
    }
    let response: Response
    try {
      response = await this.run(next)
    } catch (error) {
      // an HTTP exception below is that path's answer, as a client would have seen it
      if (!isHttpError(error)) throw error
      response = error.toResponse(next.request, next.context)
    }
    return {
      status: response.status,
      headers: response.headers,
      body: await readText(response, this.settings.maxIncludeBytes),
    }
  }
}
