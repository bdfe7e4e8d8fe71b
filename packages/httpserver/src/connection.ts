/*
 * Abort signals without an AbortController per request: creating one costs ~1.5 µs on
 * Node 20, a tenth of a whole hello-world request. A request takes a controller from a
 * small server-wide pool of unused ones; when its response is done, the controller goes
 * back to the pool if nobody listens to its signal and it was not aborted, else it is
 * dropped (so a listener never fires for a later request's disconnect).
 *
 * Nothing is kept per connection: an idle keep-alive connection costs what it costs in a
 * bare node:http server. The signal is aborted when the socket closes while the request
 * is still being answered; the close listener that does it is added only when a request
 * goes asynchronous (see {@link watch}) and removed when it is done.
 */
import { getEventListeners } from 'node:events'
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/** What the server tracks for one request in progress. */
export interface Connection {
  /** The request's controller (from the pool, or its own for a pipelined request). */
  readonly controller: AbortController
  /** Its signal (AbortController creates it lazily: read it once). */
  readonly signal: AbortSignal
  /** The socket, to watch for a close while the request is asynchronous. */
  readonly socket: Socket
  /**
   * The close listener while one is registered; `null` once there is nothing left to do (a
   * pipelined request, whose response is watched instead, or a released one).
   */
  onClose: (() => void) | undefined | null
}

// EventTarget keeps its listeners in a Map under an internal symbol; its size tells in one
// read whether anyone listens. Found once by description; getEventListeners is the fallback.
const kEvents = Object.getOwnPropertySymbols(new EventTarget()).find(
  (symbol) => symbol.description === 'kEvents',
)

function hasListeners(signal: AbortSignal): boolean {
  const events = kEvents && (signal as unknown as Record<symbol, unknown>)[kEvents]
  if (events instanceof Map && events.size === 0) return false
  return getEventListeners(signal, 'abort').length > 0
}

// unused controllers, ready for the next request on any connection
const spare: AbortController[] = []
const SPARE_MAX = 256

/** The state of a new request on this socket; its `signal` is the request's. */
export function acquire(socket: Socket, res: ServerResponse): Connection {
  // Node assigns the socket to a response at once unless an earlier response on it is
  // still going out: then this request is pipelined and its response waits its turn
  if (res.socket === null) {
    const controller = new AbortController()
    res.once('close', () => {
      if (!res.writableFinished) controller.abort()
    })
    return { controller, signal: controller.signal, socket, onClose: null }
  }
  const controller = spare.pop() ?? new AbortController()
  return {
    controller,
    signal: controller.signal,
    socket,
    onClose: undefined,
  }
}

/**
 * Makes a socket close abort the request. Called only when a request goes asynchronous (the
 * App returned a promise, or the body streams): a request answered synchronously is done
 * before any close event can be seen.
 */
export function watch(connection: Connection): void {
  if (connection.onClose !== undefined) return
  const { socket, controller } = connection
  // the client left before the request went asynchronous: too late for an event
  if (socket.destroyed) {
    controller.abort()
    return
  }
  const onClose = () => controller.abort()
  connection.onClose = onClose
  socket.on('close', onClose)
}

/** Marks the request done; its controller goes back to the pool if nobody listens to it. */
export function release(connection: Connection): void {
  const { onClose, signal } = connection
  if (onClose === null) return // pipelined (its own controller, not pooled), or released
  connection.onClose = null
  if (onClose !== undefined) connection.socket.off('close', onClose)
  if (!signal.aborted && !hasListeners(signal) && spare.length < SPARE_MAX)
    spare.push(connection.controller)
}
