import type { ErrorEntry } from './report.js'

/** The name of the error middleware's request function (see middleware.ts). */
export const MIDDLEWARE_FRAME = 'catchErrors'

/** FNV-1a style hash in two lanes (different seeds and primes), 16 hex digits; not cryptographic. */
function hash(text: string): string {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193) >>> 0
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')
}

/**
 * The stable signature of an error chain: error names and the locations of the innermost ten
 * application frames (not the runtime's, not node_modules', none below the error
 * middleware), no messages.
 *
 * @example
 * signatureOf(report.errors) // 'E-1F2E3D4C5B6A7988'
 */
export function signatureOf(errors: readonly ErrorEntry[]): string {
  const parts = errors.map((e) => {
    // frames above the error middleware only (who called it does not change what failed),
    // application frames only, innermost ten: the runtime's and dependencies' frames vary
    // with scheduling (a first call runs synchronously, later ones after a tick)
    const top = e.frames.findIndex((f) => f.function === MIDDLEWARE_FRAME)
    const own = e.frames
      .slice(0, top === -1 ? undefined : top)
      .filter((f) => !f.internal && !f.dependency)
    const frames = (own.length > 0 ? own : e.frames)
      .slice(0, 10)
      .map((f) => `${f.function ?? '?'}@${f.file ?? '?'}:${f.line ?? 0}`)
    // without frames (a thrown string) the message is all that tells two errors apart
    return `${e.relation}:${e.name}|${frames.length > 0 ? frames.join(',') : e.message}`
  })
  return `E-${hash(parts.join('\n')).toUpperCase()}`
}

/**
 * A random incident id (crypto.randomUUID where available).
 *
 * @example
 * incidentId() // '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function incidentId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  if (typeof c?.randomUUID === 'function') return c.randomUUID()
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
}
