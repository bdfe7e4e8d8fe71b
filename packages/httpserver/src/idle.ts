/*
 * The keep-alive timeout, with one timer per server instead of one per connection.
 *
 * Node closes an idle keep-alive connection with a socket timeout that it re-arms after
 * every response (a new Timeout and a bound function each time) and clears when the next
 * request arrives: about 0.3 µs of CPU per request, and a Timeout (about 200 bytes with its
 * bound function) held by every idle connection. Here one interval per server sweeps, every
 * half timeout, the connections Node itself lists as idle (its own list, the one
 * `closeIdleConnections()` reads: no request being received). The handler stamps a
 * connection with the sweep count when it answers a request; a sweep that finds a response
 * still going out stamps it too; one idle at the third sweep since its last stamp has been
 * idle for at least the whole timeout, and is destroyed, as Node destroys it. So a
 * connection closes between 1 and 1.5 timeouts after its last response, never before
 * (Node: at the timeout).
 *
 * Connections still receiving a request are Node's (headersTimeout, requestTimeout), and
 * upgraded ones (WebSocket, CONNECT) the application's: neither is in that list.
 */
import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/** Where the handler stamps a socket (a symbol: never seen by other code). */
export const kIdleStamp: unique symbol = Symbol('paste.idleStamp')

type Stamped = Socket & {
  [kIdleStamp]?: number
  /** Node's: the response in progress on this socket, if any. */
  _httpMessage?: unknown
}

/** Node's list of a listening server's HTTP connections (node:_http_server; Node 20 has it). */
interface ConnectionsList {
  idle(): { socket?: Stamped | null }[]
}

/** The sweep count the handler stamps on a socket when it answers a request. */
export interface IdleClock {
  tick: number
}

// a connection idle at this many sweeps after its last stamp has been idle >= 2 intervals
const SWEEPS = 3

function connectionsOf(server: Server): ConnectionsList | undefined {
  const key = Object.getOwnPropertySymbols(server).find(
    (symbol) => symbol.description === 'http.server.connections',
  )
  const list = key && (server as unknown as Record<symbol, Partial<ConnectionsList>>)[key]
  return typeof list?.idle === 'function' ? (list as ConnectionsList) : undefined
}

/**
 * Closes the listening server's keep-alive connections once idle for `timeoutMs` (internal).
 * Each sweep advances `clock.tick`; it stops when the server closes. Returns false, doing
 * nothing, where Node does not expose its connection list: Node's own timers must stay.
 */
export function reapIdleConnections(server: Server, timeoutMs: number, clock: IdleClock): boolean {
  const connections = connectionsOf(server)
  if (connections === undefined) return false
  const sweep = () => {
    const tick = ++clock.tick
    const idle = connections.idle()
    for (let i = 0; i < idle.length; i++) {
      const socket = idle[i]!.socket
      if (socket == null || socket.destroyed) continue
      const stamp = socket[kIdleStamp]
      // a response still going out (a slow reader), or one not written by this server
      if (socket._httpMessage != null || stamp === undefined) socket[kIdleStamp] = tick
      else if (tick - stamp >= SWEEPS) socket.destroy()
    }
  }
  const timer = setInterval(sweep, Math.max(1, Math.ceil(timeoutMs / 2)))
  timer.unref()
  server.once('close', () => clearInterval(timer))
  return true
}
