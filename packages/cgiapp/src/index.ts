import type { App } from '@paste/core'
import { type CgiAppOptions, resolveSettings } from './options.js'
import { runCgi } from './run.js'

export {
  type CgiEnvironmentResult,
  cgiEnvironment,
  decodePath,
  type EnvSettings,
} from './env.js'
export { type CgiHead, CgiOutputError, HeadParser } from './head.js'
export type { CgiAppOptions } from './options.js'

/**
 * Runs a CGI program (RFC 3875) as an App (Paste's `CGIApplication`). The script gets the
 * RFC meta-variables and a minimal environment, the request body on stdin (bounded, with
 * backpressure), and its stdout is streamed back as the response. Malformed output is a
 * logged 502, a run past `timeout` is killed (504 before its headers), a client that goes
 * away kills it too. Spawned without a shell, in the script's directory.
 *
 * @example
 * const site = urlMap({ '/cgi-bin/hello': cgiApp('/srv/cgi-bin/hello.cgi', { timeout: 10_000 }) })
 * const py = cgiApp('/srv/app.py', { interpreter: ['/usr/bin/python3'], env: { LANG: 'C.UTF-8' } })
 */
export function cgiApp(script: string, options: CgiAppOptions = {}): App {
  const settings = resolveSettings(script, options)
  return function cgiApp(request, context) {
    return runCgi(request, context, settings)
  }
}
