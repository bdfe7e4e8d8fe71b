/*
 * Abort signals without an AbortController per request: creating one costs ~1.5 µs on
 * Node 20, a tenth of a whole hello-world request. A request takes a controller from a
 * small server-wide pool of unused ones; when its response is done, the controller goes
 * back to the pool if nobody listens to its signal and it was not aborted, else it is
 * dropped (so a listener never fires for a later request's disconnect). An idle keep-alive
 * connection holds no controller, only a small record. The signal is aborted when the
 * socket closes while a request on it is still being answered.
 */
import { getEventListeners } from 'node:events'
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

const kConnection: unique symbol = Symbol('paste.connection')

/** What the server tracks per socket. */
export interface Connection {
  /** The controller handed to the request in progress (or to the next one). */
  controller: AbortController | undefined
  /** Its signal (AbortController creates it lazily: read it once). */
  signal: AbortSignal | undefined
  /** Requests in progress on this socket (more than one only with pipelining). */
  busy: number
  /** The peer, read once per connection (net.Socket's getters are not free). */
  remoteAddress: string
  remotePort: number
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

type Tracked = Socket & { [kConnection]?: Connection }

// unused controllers, ready for the next request on any connection
const spare: AbortController[] = []
const SPARE_MAX = 256

function onSocketClose(this: Tracked): void {
  const connection = this[kConnection]
  if (connection && connection.busy > 0) connection.controller?.abort()
}

/** The connection state for a new request on this socket; its `signal` is the request's. */
export function acquire(socket: Socket, res: ServerResponse): Connection {
  const tracked = socket as Tracked
  let connection = tracked[kConnection]
  if (connection === undefined) {
    connection = tracked[kConnection] = {
      controller: undefined,
      signal: undefined,
      busy: 0,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
    }
    socket.on('close', onSocketClose)
  }
  if (connection.busy > 0) {
    // Pipelined request: its own controller, aborted when its response closes early.
    const controller = new AbortController()
    res.once('close', () => {
      if (!res.writableFinished) controller.abort()
    })
    return {
      controller,
      signal: controller.signal,
      busy: 1,
      remoteAddress: connection.remoteAddress,
      remotePort: connection.remotePort,
    }
  }
  connection.busy = 1
  if (connection.controller === undefined) {
    const controller = spare.pop() ?? new AbortController()
    connection.controller = controller
    connection.signal = controller.signal
  }
  return connection
}

/** Marks the request done; its controller goes back to the pool if nobody listens to it. */
export function release(connection: Connection): void {
  connection.busy = 0
  const controller = connection.controller
  const signal = connection.signal
  connection.controller = undefined
  connection.signal = undefined
  if (
    controller !== undefined &&
    signal !== undefined &&
    !signal.aborted &&
    !hasListeners(signal) &&
    spare.length < SPARE_MAX
  )
    spare.push(controller)
}
