import { addressMatcher, parseIp } from '@paste/core'

/**
 * Options for {@link evalException}.
 *
 * @example
 * const options: EvalExceptionOptions = { enabled: process.env.NODE_ENV === 'development', timeout: 500 }
 */
export interface EvalExceptionOptions {
  /**
   * Turn the middleware on. Off, it returns the app unchanged (no worker, no cost). It
   * executes code sent by clients: never enable it where anyone but you can reach it.
   * @default process.env.NODE_ENV !== 'production'
   */
  enabled?: boolean
  /** Allow `enabled: true` when NODE_ENV is `production` (otherwise that throws). @default false */
  allowInProduction?: boolean
  /** Reserved path (below the mount point) for the console endpoints `<path>/eval` and `<path>/view/<id>`. @default '/_debug' */
  path?: string
  /** Client addresses and networks that may see locals and evaluate. @default ['127.0.0.0/8', '::1'] */
  allowFrom?: readonly string[]
  /**
   * Host names (besides IP literals, `localhost` and `*.localhost`, always allowed) under
   * which locals and the console are offered: a guard against DNS rebinding, where a hostile
   * name resolves to 127.0.0.1 and makes the attacker's page same-origin with this server.
   * @default []
   */
  allowedHosts?: readonly string[]
  /** Capture frame locals at the throw with the V8 inspector (a worker thread). @default true */
  captureLocals?: boolean
  /** Incidents kept for evaluation (the most recent). @default 20 */
  maxIncidents?: number
  /** How long an incident can be evaluated against, in ms. @default 1_800_000 (30 minutes) */
  ttl?: number
  /** The most bytes of an evaluation request body (413 past it). @default 16_384 */
  maxBodyBytes?: number
  /** ms an expression may run (vm timeout), and again for a promise it returns to settle. @default 2000 */
  timeout?: number
  /** Characters of an evaluation result kept. @default 20_000 */
  maxResultChars?: number
  /** Lines of source shown either side of a frame. @default 5 */
  sourceContext?: number
  /** Frames shown per error. @default 30 */
  maxFrames?: number
  /** Errors shown from a chain of causes and AggregateError members. @default 10 */
  maxErrors?: number
}

/** Options with every default applied. */
export interface Resolved {
  enabled: boolean
  path: string
  allowed: (address: string) => boolean
  hostAllowed: (hostname: string) => boolean
  captureLocals: boolean
  maxIncidents: number
  ttl: number
  maxBodyBytes: number
  timeout: number
  maxResultChars: number
  limits: { sourceContext: number; maxFrames: number; maxErrors: number }
}

function count(value: number | undefined, fallback: number, name: string, min: number): number {
  const n = value ?? fallback
  if (!(Number.isInteger(n) && n >= min))
    throw new TypeError(`@paste/evalexception: ${name} must be an integer >= ${min}`)
  return n
}

function flag(value: unknown, name: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean')
    throw new TypeError(`@paste/evalexception: ${name} must be a boolean, not ${typeof value}`)
  return value as boolean | undefined
}

/** Resolves and checks options; throws a TypeError naming the package for bad ones. */
export function resolveOptions(options: EvalExceptionOptions, env: string | undefined): Resolved {
  const production = env === 'production'
  const enabled = flag(options.enabled, 'enabled') ?? !production
  if (enabled && production && flag(options.allowInProduction, 'allowInProduction') !== true)
    throw new TypeError(
      '@paste/evalexception: refusing to enable in production (NODE_ENV=production): it executes code sent by clients; pass allowInProduction: true if you really mean it',
    )
  const path = options.path ?? '/_debug'
  // "/" segment+ without a trailing slash
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path))
    throw new TypeError(
      `@paste/evalexception: path must look like '/_debug', got ${JSON.stringify(path)}`,
    )
  if (options.allowFrom !== undefined && !Array.isArray(options.allowFrom))
    throw new TypeError('@paste/evalexception: allowFrom must be an array of addresses or networks')
  const allowed = addressMatcher(
    options.allowFrom ?? ['127.0.0.0/8', '::1'],
    '@paste/evalexception',
  )
  if (options.allowedHosts !== undefined && !Array.isArray(options.allowedHosts))
    throw new TypeError('@paste/evalexception: allowedHosts must be an array of host names')
  const hosts = new Set((options.allowedHosts ?? []).map((h) => String(h).toLowerCase()))
  const hostAllowed = (hostname: string) => {
    const name = hostname.toLowerCase()
    return (
      parseIp(name) !== null ||
      name === 'localhost' ||
      name.endsWith('.localhost') ||
      hosts.has(name)
    )
  }
  return {
    enabled,
    path,
    allowed,
    hostAllowed,
    captureLocals: flag(options.captureLocals, 'captureLocals') ?? true,
    maxIncidents: count(options.maxIncidents, 20, 'maxIncidents', 1),
    ttl: count(options.ttl, 30 * 60_000, 'ttl', 1),
    maxBodyBytes: count(options.maxBodyBytes, 16 * 1024, 'maxBodyBytes', 64),
    timeout: count(options.timeout, 2000, 'timeout', 1),
    maxResultChars: count(options.maxResultChars, 20_000, 'maxResultChars', 100),
    limits: {
      sourceContext: count(options.sourceContext, 5, 'sourceContext', 0),
      maxFrames: count(options.maxFrames, 30, 'maxFrames', 1),
      maxErrors: count(options.maxErrors, 10, 'maxErrors', 1),
    },
  }
}
