import type { Readable } from 'node:stream'
import type { Logger } from '@paste/core'

/** Longest stderr line logged (longer ones are cut). */
export const MAX_STDERR_LINE = 2048
/** Stderr bytes logged per run; the rest is counted and dropped. */
export const MAX_STDERR_BYTES = 65536

/**
 * Sends the script's stderr to the logger, one `warn` per line (never to the client), with
 * the line length and total volume capped so a noisy script cannot flood the log.
 */
export function logStderr(stderr: Readable, logger: Logger, script: string): void {
  let partial = ''
  let total = 0
  let dropped = 0
  const emit = (line: string) => {
    if (line === '') return
    total += line.length
    if (total > MAX_STDERR_BYTES) dropped += line.length
    else
      logger.warn('@paste/cgiapp: script stderr', { script, line: line.slice(0, MAX_STDERR_LINE) })
  }
  stderr.setEncoding('utf8')
  stderr.on('data', (text: string) => {
    const lines = (partial + text).split('\n')
    partial = lines.pop() ?? ''
    if (partial.length > MAX_STDERR_LINE) {
      emit(partial)
      partial = ''
    }
    for (const line of lines) emit(line.replace(/\r$/, ''))
  })
  stderr.once('end', () => {
    emit(partial)
    if (dropped > 0) logger.warn('@paste/cgiapp: script stderr truncated', { script, dropped })
  })
  stderr.on('error', () => {})
}
