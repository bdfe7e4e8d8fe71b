/*
 * The parent side: runs the entry script as a child, watches files, restarts the child when
 * one changes (SIGTERM, SIGKILL after killTimeoutMs), waits for a change after a crash, and
 * takes the child down with it on SIGINT, SIGTERM or SIGHUP.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { constants } from 'node:os'
import { isAbsolute, relative } from 'node:path'
import { makeFilter } from './filter.js'
import type { ResolvedOptions } from './options.js'
import { CHILD_MARKER, MAX_EXTRA_PATHS, parseWatchMessage } from './protocol.js'
import { Watcher } from './watcher.js'

type State = 'running' | 'restarting' | 'waiting' | 'shutdown'
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** Supervises the entry script until the process is signalled; never settles. */
export function supervise(options: ResolvedOptions, script: string): Promise<never> {
  const { logger } = options
  const command = [...process.execArgv, script, ...process.argv.slice(2)]
  const extra = new Set<string>()
  let child: ChildProcess | undefined
  let state: State = 'waiting'
  let changed = ''
  let debounce: NodeJS.Timeout | undefined
  let killTimer: NodeJS.Timeout | undefined

  const watcher = new Watcher({
    filter: makeFilter(options.extensions, options.ignore),
    logger,
    onChange,
    ...(options.poll ? { strategy: 'poll' as const } : {}),
  })
  for (const path of options.watch) watcher.add(path)
  logger.info(`reloader: watching ${options.watch.join(', ')} (${watcher.strategy})`)

  function start(): void {
    const current = spawn(process.execPath, command, {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [CHILD_MARKER]: '1' },
    })
    child = current
    state = 'running'
    current.on('message', onMessage)
    current.on('error', (error) => {
      logger.error(`reloader: cannot run ${script}`, { error })
      if (current.pid === undefined) onExit(current, null, null) // never started: no 'exit' follows
    })
    current.once('exit', (code, signal) => onExit(current, code, signal))
  }

  function onChange(path: string): void {
    // while the old child stops, the next one is not started yet: it will read the new files
    if (state === 'shutdown' || state === 'restarting') return
    changed = path
    clearTimeout(debounce)
    debounce = setTimeout(restart, options.debounceMs)
  }

  function restart(): void {
    if (state === 'shutdown' || state === 'restarting') return
    logger.info(`reloader: ${relative(process.cwd(), changed) || changed} changed; restarting`)
    if (!child) {
      start()
      return
    }
    state = 'restarting'
    stop(child, 'SIGTERM')
  }

  function stop(current: ChildProcess, signal: NodeJS.Signals): void {
    current.kill(signal)
    clearTimeout(killTimer)
    killTimer = setTimeout(() => {
      logger.warn(
        `reloader: pid ${current.pid} still running ${options.killTimeoutMs} ms after ${signal}; sending SIGKILL`,
      )
      current.kill('SIGKILL')
    }, options.killTimeoutMs)
  }

  function onExit(current: ChildProcess, code: number | null, signal: string | null): void {
    if (current !== child) return
    clearTimeout(killTimer)
    child = undefined
    if (state === 'restarting') start()
    else if (state === 'shutdown') finish()
    else onCrash(code, signal)
  }

  function onCrash(code: number | null, signal: string | null): void {
    // a crash at startup would crash again: wait for the fix instead of looping
    state = 'waiting'
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
    const log = code === 0 ? logger.info : logger.error
    log.call(logger, `reloader: ${script} ${how}; waiting for a file change to start it again`)
  }

  function onMessage(message: unknown): void {
    const paths = parseWatchMessage(message)
    if (!paths) return // the app's own messages are none of our business
    for (const path of paths) {
      if (!isAbsolute(path) || extra.has(path)) continue
      if (extra.size >= MAX_EXTRA_PATHS) {
        logger.warn(`reloader: already watching ${MAX_EXTRA_PATHS} extra files; ignoring more`)
        return
      }
      extra.add(path)
      watcher.add(path)
      logger.info(`reloader: also watching ${path}`)
    }
  }

  let exitSignal: NodeJS.Signals = 'SIGTERM'
  function shutdown(signal: NodeJS.Signals): void {
    if (state === 'shutdown') {
      child?.kill('SIGKILL') // asked twice: no more waiting
      return
    }
    state = 'shutdown'
    exitSignal = signal
    clearTimeout(debounce)
    watcher.close()
    if (child) stop(child, signal)
    else finish()
  }

  function finish(): void {
    process.exit(128 + (constants.signals[exitSignal] ?? 15))
  }

  for (const signal of SIGNALS) process.on(signal, shutdown)
  process.on('exit', () => {
    // last resort (the supervisor itself crashed): never leave the server running alone
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  start()
  return new Promise<never>(() => {})
}
