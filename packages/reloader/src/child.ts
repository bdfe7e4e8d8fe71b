/*
 * The child side: tells the supervisor about extra files over the IPC channel (Paste's
 * watch_file and add_file_callback), and stops if the supervisor disappears without stopping it.
 */
import { resolve } from 'node:path'
import { consoleLogger, type Logger } from '@paste/core'
import { CHILD_MARKER, MAX_EXTRA_PATHS, type WatchMessage } from './protocol.js'

// read once, when this module loads: runWithReloader removes the marker from the environment
const isChild = process.env[CHILD_MARKER] === '1' && typeof process.send === 'function'
const sent = new Set<string>()
const callbacks: { fn: () => Iterable<string>; failed: boolean }[] = []
let logger: Logger = consoleLogger
let polling = false

/**
 * True in a process started by runWithReloader's supervisor (the one that serves).
 *
 * @example
 * if (isReloaderChild()) console.log('serving under the reloader')
 */
export function isReloaderChild(): boolean {
  return isChild
}

/** Called by runWithReloader in the child. */
export function enterChild(childLogger: Logger, killTimeoutMs: number): void {
  logger = childLogger
  delete process.env[CHILD_MARKER] // the server's own node subprocesses are not our children
  if (!isChild || process.listeners('disconnect').includes(onSupervisorGone)) return
  process.on('disconnect', onSupervisorGone)
  // listening must not keep a script that has finished alive
  process.channel?.unref()
  stopAfter = killTimeoutMs
}

let stopAfter = 5000
function onSupervisorGone(): void {
  logger.warn('reloader: the supervisor is gone; stopping the server')
  setTimeout(() => process.exit(1), stopAfter).unref()
  process.kill(process.pid, 'SIGTERM') // the server's own SIGTERM handler closes it gracefully
}

function send(paths: Iterable<string>): void {
  const fresh: string[] = []
  for (const path of paths) {
    if (typeof path !== 'string' || path === '' || path.includes('\0')) continue
    const absolute = resolve(path)
    if (sent.has(absolute) || sent.size >= MAX_EXTRA_PATHS) continue
    sent.add(absolute)
    fresh.push(absolute)
  }
  if (fresh.length === 0 || !process.connected) return
  const message: WatchMessage = { '@paste/reloader': 'watch', paths: fresh }
  // with a callback a closed channel is reported here instead of as an 'error' event
  process.send?.(message, undefined, {}, () => {})
}

/**
 * Restart the server when `path` changes too, whatever its extension (a configuration file,
 * templates). Paste's `watch_file`. Does nothing outside a reloader child, so it can stay in
 * production code.
 *
 * @example
 * const config = JSON.parse(readFileSync('config/site.json', 'utf8'))
 * watchFile('config/site.json')
 */
export function watchFile(path: string): void {
  if (typeof path !== 'string' || path === '' || path.includes('\0'))
    throw new TypeError(`@paste/reloader: watchFile needs a path, got ${JSON.stringify(path)}`)
  if (isChild) send([path])
}

function poll(): void {
  for (const entry of callbacks) {
    try {
      send(entry.fn())
    } catch (error) {
      if (!entry.failed) logger.warn('reloader: a file callback failed', { error })
      entry.failed = true
    }
  }
}

/**
 * Restart the server when any file `callback` returns changes. The callback is asked now and
 * again every second, so the list may grow (templates compiled on first use). Paste's
 * `add_file_callback`. Does nothing outside a reloader child.
 *
 * @example
 * addFileCallback(() => templates.loadedFiles())
 */
export function addFileCallback(callback: () => Iterable<string>): void {
  if (typeof callback !== 'function')
    throw new TypeError('@paste/reloader: addFileCallback needs a function returning paths')
  if (!isChild) return
  callbacks.push({ fn: callback, failed: false })
  poll()
  if (polling) return
  polling = true
  setInterval(poll, 1000).unref() // never keeps the server alive
}
