import { type App, type Context, isHttpError } from '@paste/core'
import { PayloadTooLarge } from '@paste/httpexceptions'
import { ReplayableBody } from './replay.js'
import type { SpillStore } from './spill.js'

export type { SpillFile, SpillStore } from './spill.js'

/**
 * Options for {@link cascade}.
 *
 * @example
 * cascade([a, b], { catch: [404, 405], maxBodyBytes: 10 * 1024 * 1024, memoryBytes: 65536 })
 */
export interface CascadeOptions {
  /** Statuses (and thrown HTTP exceptions' statuses) that pass the request to the next app. @default [404] */
  catch?: readonly number[]
  /**
   * Request body bytes an app other than the last may read (they are kept for replay);
   * beyond it the cascade answers 413. The last app's reads are not kept, so not limited.
   * @default 1 MiB without `spill`, 1 GiB with it
   */
  maxBodyBytes?: number
  /** Request body bytes kept in memory before the rest goes to `spill`. @default 65536 */
  memoryBytes?: number
  /** Where a large body goes (`fileSpill()` from `@paste/cascade/file-spill` on Node). @default none: memory only */
  spill?: SpillStore
}

const MiB = 1024 * 1024

function resolveOptions(apps: readonly App[], options: CascadeOptions) {
  if (!Array.isArray(apps) || apps.length === 0 || apps.some((a) => typeof a !== 'function'))
    throw new TypeError('@paste/cascade: apps must be a non-empty array of Apps')
  const caught = options.catch ?? [404]
  if (!caught.every((s) => Number.isInteger(s) && s >= 100 && s <= 599))
    throw new TypeError('@paste/cascade: catch must list HTTP statuses (100-599)')
  const spill = options.spill
  if (spill !== undefined && typeof spill?.create !== 'function')
    throw new TypeError('@paste/cascade: spill must be a SpillStore')
  const maxBytes = options.maxBodyBytes ?? (spill ? 1024 * MiB : MiB)
  const memoryBytes = options.memoryBytes ?? 64 * 1024
  if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 0))
    throw new TypeError('@paste/cascade: maxBodyBytes must be a non-negative integer')
  if (!(Number.isSafeInteger(memoryBytes) && memoryBytes >= 0))
    throw new TypeError('@paste/cascade: memoryBytes must be a non-negative integer')
  return { caught: new Set(caught), limits: { maxBytes, memoryBytes, spill } }
}

function tooLarge(request: Request, context: Context, max: number): Response {
  return new PayloadTooLarge(`The limit is ${max} bytes`).toResponse(request, context)
}

/** Cancels a response that will not be sent, so its stream or file handle is released. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {})
}

/** Runs `done` once the response body is fully read, fails or is cancelled. */
function afterBody(response: Response, done: () => Promise<void>): Response {
  if (response.body === null) {
    void done()
    return response
  }
  const reader = response.body.getReader()
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done: end } = await reader.read()
        if (end) {
          controller.close()
          await done()
        } else controller.enqueue(value)
      } catch (error) {
        await done()
        throw error
      }
    },
    async cancel(reason) {
      await reader.cancel(reason)
      await done()
    },
  })
  return new Response(body, response)
}

/**
 * Tries each app in turn while it answers a caught status (404 by default) or throws an HTTP
 * exception with one; the first other answer wins, and the last app's answer stands whatever
 * it is (Paste's `Cascade`). Discarded responses are cancelled. The request body is
 * replayable: every app reads the same bytes from the start.
 *
 * @example
 * const site = cascade([staticFiles, dynamicApp])
 * const uploads = cascade([a, b], { catch: [404, 405], spill: fileSpill(), maxBodyBytes: 200e6 })
 */
export function cascade(apps: readonly App[], options: CascadeOptions = {}): App {
  const { caught, limits } = resolveOptions(apps, options)
  const list = [...apps]
  const last = list.length - 1

  return async function cascade(request: Request, context: Context): Promise<Response> {
    // no body, or one app: nothing to replay, the request goes as it is
    if (request.body === null || last === 0) return tryEach(list, caught, () => request, context)
    const body = new ReplayableBody(request.body, limits)
    // a fresh Request per app from the parts (the server's request may be a lazy stand-in)
    const make = (i: number) =>
      new Request(request.url, {
        method: request.method,
        headers: request.headers,
        signal: request.signal,
        body: body.stream(i !== last),
        duplex: 'half',
      } as RequestInit)
    let response: Response
    try {
      response = await tryEach(list, caught, make, context, body)
    } catch (error) {
      await body.close()
      // the body went over the limit while an app read it: a clear 413, whatever it threw
      if (body.tooLarge) return tooLarge(request, context, limits.maxBytes)
      throw error
    }
    // the body went over the limit while an app read it: a clear 413, whatever the app said
    if (body.tooLarge) {
      discard(response)
      await body.close()
      return tooLarge(request, context, limits.maxBytes)
    }
    return body.spilled ? afterBody(response, () => body.close()) : response
  }
}

async function tryEach(
  apps: readonly App[],
  caught: ReadonlySet<number>,
  make: (i: number) => Request,
  context: Context,
  body?: ReplayableBody,
): Promise<Response> {
  const last = apps.length - 1
  for (let i = 0; i < last; i++) {
    try {
      const response = await apps[i]!(make(i), context)
      // an answer that is not caught wins
      if (!caught.has(response.status)) return response
      discard(response)
    } catch (error) {
      // a thrown HTTP exception with a caught status counts as that answer (Paste's catch_exceptions)
      if (!(isHttpError(error) && caught.has(error.status))) throw error
    }
    // over the limit: no later app can see the whole body either
    if (body?.tooLarge) return new Response(null, { status: 413 })
  }
  return apps[last]!(make(last), context)
}
