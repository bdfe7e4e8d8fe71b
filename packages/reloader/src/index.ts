/*
 * @paste/reloader: restart a development server when its files change (paste.reloader and
 * `paste serve --reload`). The entry script calls runWithReloader() first: the first process
 * becomes a supervisor that runs the same script as a child and restarts it; in the child the
 * call returns at once and the script goes on to serve.
 */
import { enterChild, isReloaderChild } from './child.js'
import { type ReloaderOptions, resolveOptions } from './options.js'
import { supervise } from './supervisor.js'

export { addFileCallback, isReloaderChild, watchFile } from './child.js'
export { DEFAULT_EXTENSIONS, DEFAULT_IGNORE, type IgnoreRule } from './filter.js'
export type { ReloaderOptions } from './options.js'

let supervising: Promise<never> | undefined

/**
 * Runs the entry script under a supervisor that restarts it when a watched file changes.
 * In the supervisor the promise never settles (the process exits when signalled); in the
 * child it resolves at once. Bad options throw a `TypeError` before anything starts.
 * Import the application after it (a dynamic `import()`), so the supervisor does not run it.
 *
 * @example
 * await runWithReloader({ watch: ['src', 'config.json'] })
 * const { app } = await import('./src/app.js')
 * const server = await serve(app, { port: 8080 })
 * process.on('SIGTERM', () => server.close())
 */
export function runWithReloader(options: ReloaderOptions = {}): Promise<void> {
  const script = process.argv[1]
  if (!script)
    throw new TypeError('@paste/reloader: runWithReloader needs an entry script (node <script>)')
  const resolved = resolveOptions(options, script)
  if (isReloaderChild()) {
    enterChild(resolved.logger, resolved.killTimeoutMs)
    return Promise.resolve()
  }
  supervising ??= supervise(resolved, script)
  return supervising
}
