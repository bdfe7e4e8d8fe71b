/*
 * What the supervisor and its child agree on: the environment marker and the IPC message.
 */

/** Set in the child's environment; the child removes it so its own children are not taken for it. */
export const CHILD_MARKER = 'PASTE_RELOADER_CHILD'

/** The most paths the supervisor accepts from a child (a runaway callback cannot exhaust it). */
export const MAX_EXTRA_PATHS = 10_000

/** Child to supervisor: also watch these absolute paths. */
export interface WatchMessage {
  readonly '@paste/reloader': 'watch'
  readonly paths: readonly string[]
}

/** The message, or undefined for anything else the app sends on the channel. */
export function parseWatchMessage(message: unknown): readonly string[] | undefined {
  if (typeof message !== 'object' || message === null) return undefined
  const candidate = message as Partial<Record<keyof WatchMessage, unknown>>
  if (candidate['@paste/reloader'] !== 'watch' || !Array.isArray(candidate.paths)) return undefined
  return candidate.paths.filter(
    (path): path is string =>
      typeof path === 'string' && path.length > 0 && path.length <= 4096 && !path.includes('\0'),
  )
}
