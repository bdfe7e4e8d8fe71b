import { accessSync, constants, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { EnvSettings } from './env.js'

/**
 * Options for {@link cgiApp}.
 *
 * @example
 * const options: CgiAppOptions = { timeout: 10_000, inheritEnv: ['PATH', 'LANG'], env: { REDIRECT_STATUS: '200' } }
 * const wiki = cgiApp('/usr/lib/cgi-bin/wiki.cgi', options)
 */
export interface CgiAppOptions {
  /**
   * A command that runs the script, the script path appended: `['/usr/bin/python3']`.
   * Without it the script itself is executed (it must be executable, with a `#!` line).
   * @default none
   */
  interpreter?: readonly string[]
  /** Fixed environment entries for every run (`REDIRECT_STATUS`, `PYTHONPATH`...). Meta-variables win over them. @default {} */
  env?: Readonly<Record<string, string>>
  /** Names of the server's own environment variables passed on (read once, at creation). @default ['PATH'] */
  inheritEnv?: readonly string[]
  /** Pass the `Authorization` header as `HTTP_AUTHORIZATION` (see the README: credentials in an environment leak). @default false */
  passAuthorization?: boolean
  /** Decode `%2F` into `/` in PATH_INFO instead of answering 404. @default false */
  allowEncodedSlashes?: boolean
  /** Largest request body in bytes; past it the client gets 413. @default 10485760 (10 MiB) */
  maxBodyBytes?: number
  /** Largest CGI header block the script may print, in bytes; past it 502. @default 65536 */
  maxHeaderBytes?: number
  /** Milliseconds a run may take in all; then the script is killed (504 if no headers yet). @default 30000 */
  timeout?: number
  /** Milliseconds between SIGTERM and SIGKILL when a script is killed. @default 2000 */
  killTimeout?: number
  /** The working directory. @default the script's directory */
  cwd?: string
  /** Appended to every QUERY_STRING (after `&`), as Paste's `query_string`. @default none */
  query?: string
  /** SERVER_SOFTWARE. @default 'paste-cgiapp' */
  serverSoftware?: string
  /** SERVER_PROTOCOL (a Fetch `Request` does not carry the protocol). @default 'HTTP/1.1' */
  serverProtocol?: string
  /** Follow local redirects (`Location: /path`) inside the server through `@paste/recursive` when it is above; else send a 302. @default true */
  internalRedirects?: boolean
}

/** Everything a run needs, resolved once. */
export interface Settings extends EnvSettings {
  script: string
  command: string
  args: readonly string[]
  cwd: string
  maxBodyBytes: number
  maxHeaderBytes: number
  timeout: number
  killTimeout: number
  internalRedirects: boolean
}

const fail = (message: string): never => {
  throw new TypeError(`@paste/cgiapp: ${message}`)
}
// An environment variable name as POSIX shells accept it.
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
// A value safe in an environment and a header-like variable: no NUL, CR or LF.
const ENV_VALUE = /^[^\0\r\n]*$/

function positive(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback
  if (!(Number.isSafeInteger(v) && v > 0)) fail(`${name} must be a positive integer`)
  return v
}

function checkEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) fail(`env name ${JSON.stringify(name)} is not a variable name`)
    if (typeof value !== 'string' || !ENV_VALUE.test(value))
      fail(`env ${name} must be a string without NUL, CR or LF`)
    out[name] = value
  }
  return out
}

function checkScript(script: string, interpreter: readonly string[] | undefined): string {
  if (typeof script !== 'string' || script === '') fail('script must be a path')
  const path = resolve(script)
  let isFile = false
  try {
    isFile = statSync(path).isFile()
  } catch {}
  if (!isFile) fail(`script ${JSON.stringify(path)} is not a file`)
  try {
    accessSync(path, interpreter ? constants.R_OK : constants.X_OK)
  } catch {
    fail(
      `script ${JSON.stringify(path)} is not ${interpreter ? 'readable' : 'executable (or give an interpreter)'}`,
    )
  }
  return path
}

/** Checks the options and resolves the defaults (throws a TypeError naming the option). */
export function resolveSettings(script: string, options: CgiAppOptions): Settings {
  const interpreter = options.interpreter
  if (
    interpreter !== undefined &&
    !(
      interpreter.length > 0 &&
      interpreter.every((a) => typeof a === 'string' && a !== '' && !a.includes('\0'))
    )
  )
    fail('interpreter must be a non-empty list of arguments')
  const path = checkScript(script, interpreter)
  const base: Record<string, string> = {}
  for (const name of options.inheritEnv ?? ['PATH']) {
    if (!ENV_NAME.test(name)) fail(`inheritEnv name ${JSON.stringify(name)} is not a variable name`)
    const value = process.env[name]
    if (value !== undefined) base[name] = value
  }
  Object.assign(base, checkEnv(options.env ?? {}))
  for (const name of ['query', 'serverSoftware', 'serverProtocol', 'cwd'] as const) {
    const value = options[name]
    if (value !== undefined && (typeof value !== 'string' || !ENV_VALUE.test(value)))
      fail(`${name} must be a string without NUL, CR or LF`)
  }
  return {
    script: path,
    command: interpreter ? interpreter[0]! : path,
    args: interpreter ? [...interpreter.slice(1), path] : [],
    cwd: options.cwd === undefined ? dirname(path) : resolve(options.cwd),
    base: Object.freeze(base),
    scriptFilename: path,
    passAuthorization: options.passAuthorization ?? false,
    allowEncodedSlashes: options.allowEncodedSlashes ?? false,
    query: options.query,
    serverSoftware: options.serverSoftware ?? 'paste-cgiapp',
    serverProtocol: options.serverProtocol ?? 'HTTP/1.1',
    maxBodyBytes: positive(options.maxBodyBytes, 10 * 1024 * 1024, 'maxBodyBytes'),
    maxHeaderBytes: positive(options.maxHeaderBytes, 65536, 'maxHeaderBytes'),
    timeout: positive(options.timeout, 30_000, 'timeout'),
    killTimeout: positive(options.killTimeout, 2000, 'killTimeout'),
    internalRedirects: options.internalRedirects ?? true,
  }
}
