/**
 * Where middleware reports what the client must not see (a failed store, a rejected
 * credential, a crash). The default writes to the console; pass your own (pino, winston...)
 * through `createContext` or `serve`.
 */
export interface Logger {
  error(message: string, details?: Record<string, unknown>): void
  warn(message: string, details?: Record<string, unknown>): void
  info(message: string, details?: Record<string, unknown>): void
  debug(message: string, details?: Record<string, unknown>): void
}

/**
 * A logger writing to the console (`debug` is dropped unless `DEBUG` includes `paste`).
 *
 * @example
 * const context = createContext(request, { logger: consoleLogger })
 */
export const consoleLogger: Logger = {
  error: (message, details) => console.error(`[paste] ${message}`, details ?? ''),
  warn: (message, details) => console.warn(`[paste] ${message}`, details ?? ''),
  info: (message, details) => console.info(`[paste] ${message}`, details ?? ''),
  debug: (message, details) => {
    if (globalThis.process?.env?.DEBUG?.includes('paste'))
      console.debug(`[paste] ${message}`, details ?? '')
  },
}

/**
 * A logger that drops everything (for tests and benchmarks).
 *
 * @example
 * const handler = toFetchHandler(app, { logger: silentLogger })
 */
export const silentLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
}
