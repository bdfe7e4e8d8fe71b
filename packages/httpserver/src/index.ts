/**
 * @paste/httpserver: serve a Paste App on Node's http/https (the role of
 * `paste.httpserver`), or convert it to a Node `(req, res)` handler for Express, Connect,
 * Fastify or a plain `http.Server`.
 */

/** Re-exported from `@paste/core`, which FastResponse implements through `KNOWN_BODY`. */
export { knownBody } from '@paste/core'
export { PayloadTooLargeError } from './body.js'
export { type NodeHandlerOptions, toNodeHandler } from './handler.js'
export { FastResponse, installFastResponse, NativeResponseClass } from './response.js'
export { type PasteServer, type ServeOptions, serve } from './serve.js'
export { keepNextTickFast } from './ticks.js'
export { SEND_FILE, type SendFile, type SendSource } from './write.js'
