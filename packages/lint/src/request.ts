import type { Report } from './body.js'

const READERS = ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text', 'clone'] as const

/**
 * Makes a second read of the request body fail loudly. The body-reading methods of the
 * request itself are shadowed (the object stays a real `Request`, so `new Request(request)`
 * and brand checks keep working); once the body is used, another read or a `clone()` is
 * reported as `request-body-read-twice` instead of the runtime's vague "Body is unusable".
 */
export function guardRequest(request: Request, report: Report): void {
  if (request.body === null) return // nothing to read twice
  for (const name of READERS) {
    const original = (request as unknown as Record<string, unknown>)[name]
    if (typeof original !== 'function') continue // bytes() is missing on older runtimes
    Object.defineProperty(request, name, {
      configurable: true,
      writable: true,
      value: function guardedRead(this: unknown, ...args: unknown[]) {
        if (request.bodyUsed) {
          const error = report(
            'request-body-read-twice',
            `request.${name}() after the body was already read; read it once and pass the result down, or clone() before the first read`,
          )
          if (error) {
            if (name === 'clone') throw error
            return Promise.reject(error)
          }
        }
        return (original as (...a: unknown[]) => unknown).apply(request, args)
      },
    })
  }
}
