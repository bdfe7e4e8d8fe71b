import { matrix } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { type BodyOutcome, onBodyDone } from './body-done.js'
import { interceptResponse } from './rewrite.js'

const enc = new TextEncoder()

function source(chunks: string[], options: { failAfter?: number } = {}) {
  const state = { pulled: 0, cancelled: undefined as unknown, done: false }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.failAfter !== undefined && state.pulled >= options.failAfter) {
        controller.error(new Error('disk gone'))
        return
      }
      const next = chunks[state.pulled++]
      if (next === undefined) {
        state.done = true
        controller.close()
      } else controller.enqueue(enc.encode(next))
    },
    cancel(reason) {
      state.cancelled = reason ?? 'cancelled'
    },
  })
  return { stream, state }
}

function recorder() {
  const calls: [BodyOutcome, unknown][] = []
  return {
    calls,
    callback: (outcome: BodyOutcome, error?: unknown) => void calls.push([outcome, error]),
  }
}

describe('onBodyDone', () => {
  test('complete: after the last chunk, exactly once; status and headers kept', async () => {
    const { stream } = source(['a', 'b', 'c'])
    const { calls, callback } = recorder()
    const r = onBodyDone(new Response(stream, { status: 201, headers: { 'x-a': '1' } }), callback)
    expect([r.status, r.headers.get('x-a')]).toEqual([201, '1'])
    expect(calls).toEqual([])
    expect(await r.text()).toBe('abc')
    expect(calls).toEqual([['complete', undefined]])
  })
  test('onChunk sees each chunk the consumer reads, before the callback', async () => {
    const { stream } = source(['a', 'bb', 'ccc'])
    const seen: string[] = []
    let bytesAtDone = -1
    let bytes = 0
    const r = onBodyDone(new Response(stream), () => void (bytesAtDone = bytes), {
      onChunk: (chunk) => {
        bytes += chunk.byteLength
        seen.push(new TextDecoder().decode(chunk))
      },
    })
    const reader = r.body!.getReader()
    await reader.read()
    expect(seen).toEqual(['a'])
    expect(bytes).toBe(1)
    await reader.cancel('client gone')
    expect(bytesAtDone).toBe(1) // only what was read before the cancel
  })
  test('a throwing onChunk fails the stream and reports error, cancelling the source', async () => {
    const { stream, state } = source(['a', 'b'])
    const { calls, callback } = recorder()
    const r = onBodyDone(new Response(stream), callback, {
      onChunk: () => {
        throw new Error('counter broke')
      },
    })
    await expect(r.text()).rejects.toThrow('counter broke')
    expect(calls.map(([outcome]) => outcome)).toEqual(['error'])
    await Promise.resolve()
    expect((state.cancelled as Error).message).toBe('counter broke')
  })
  test('error: the source fails; the consumer sees the error too', async () => {
    const { stream } = source(['a', 'b'], { failAfter: 1 })
    const { calls, callback } = recorder()
    const r = onBodyDone(new Response(stream), callback)
    await expect(r.text()).rejects.toThrow('disk gone')
    expect(calls).toHaveLength(1)
    expect(calls[0]![0]).toBe('error')
    expect((calls[0]![1] as Error).message).toBe('disk gone')
  })
  test('cancel: forwarded to the source, reported once', async () => {
    const { stream, state } = source(['a', 'b', 'c'])
    const { calls, callback } = recorder()
    const r = onBodyDone(new Response(stream), callback)
    const reader = r.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('a')
    await reader.cancel('client went away')
    expect(state.cancelled).toBe('client went away')
    expect(calls).toEqual([['cancel', 'client went away']])
    await reader.cancel('again').catch(() => {})
    expect(calls).toHaveLength(1)
  })
  test('pull-based: nothing is read from the source before the consumer asks', async () => {
    const { stream, state } = source(['a', 'b', 'c'])
    const r = onBodyDone(new Response(stream), () => {})
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(state.pulled).toBeLessThanOrEqual(1)
    await r.text()
    expect(state.done).toBe(true)
  })
  test('no body: complete on a microtask', async () => {
    const { calls, callback } = recorder()
    const r = onBodyDone(new Response(null, { status: 204 }), callback)
    expect(r.status).toBe(204)
    expect(calls).toEqual([])
    await Promise.resolve()
    expect(calls).toEqual([['complete', undefined]])
  })
  test('a throwing callback does not break the stream', async () => {
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => void errors.push(args)
    try {
      const r = onBodyDone(new Response('x'), () => {
        throw new Error('cleanup failed')
      })
      expect(await r.text()).toBe('x')
      expect(errors).toHaveLength(1)
    } finally {
      console.error = original
    }
  })
  test('works on a response with immutable headers', async () => {
    const { calls, callback } = recorder()
    const r = onBodyDone(Response.redirect('http://h/', 302), callback)
    expect(r.headers.get('location')).toBe('http://h/')
    await Promise.resolve()
    expect(calls).toEqual([['complete', undefined]])
  })
})

let outcomes: BodyOutcome[] = []
const streamed = () =>
  interceptResponse(
    () => {
      const { stream } = source(Array.from({ length: 50 }, (_, i) => `chunk ${i}\n`))
      return new Response(stream, { headers: { 'content-type': 'text/plain' } })
    },
    (response) => onBodyDone(response, (outcome) => outcomes.push(outcome)),
  )

matrix('onBodyDone through a server: a streamed body that completes', streamed, async (fetch) => {
  outcomes = []
  const r = await fetch('/')
  const text = await r.text()
  expect(text.split('\n')).toHaveLength(51)
  await expect.poll(() => outcomes).toEqual(['complete'])
})

let cancelled: { reason: unknown } | undefined
let endlessOutcomes: BodyOutcome[] = []
const endless = () =>
  interceptResponse(
    () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull: (c) => c.enqueue(new Uint8Array(16 * 1024)),
          cancel: (reason) => {
            cancelled = { reason }
          },
        }),
      ),
    (response) => onBodyDone(response, (outcome) => endlessOutcomes.push(outcome)),
  )

matrix(
  'onBodyDone through a server: the client disconnects from an endless body',
  endless,
  async (fetch) => {
    cancelled = undefined
    endlessOutcomes = []
    const controller = new AbortController()
    const r = await fetch('/', { signal: controller.signal })
    const reader = r.body!.getReader()
    await reader.read()
    controller.abort()
    await reader.cancel().catch(() => {})
    // in process the client's cancel reaches the body directly; through the server, the
    // server cancels the body when the socket closes
    await expect.poll(() => endlessOutcomes, { timeout: 5000 }).toEqual(['cancel'])
    expect(cancelled).toBeDefined()
  },
)

describe('onBodyDone property', () => {
  test('whatever the consumer and the source do, the callback runs exactly once with the right outcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }), // chunks in the source
        fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), // source fails after k pulls
        fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), // consumer cancels after k reads
        async (count, failAfter, cancelAfter) => {
          const { stream } = source(
            Array.from({ length: count }, (_, i) => `${i}`),
            failAfter === undefined ? {} : { failAfter },
          )
          const { calls, callback } = recorder()
          const reader = onBodyDone(new Response(stream), callback).body!.getReader()
          let expected: BodyOutcome = 'complete'
          for (let reads = 0; ; reads++) {
            if (cancelAfter !== undefined && reads === cancelAfter) {
              await reader.cancel('stop')
              expected = 'cancel'
              break
            }
            try {
              const { done } = await reader.read()
              if (done) break
            } catch {
              expected = 'error'
              break
            }
          }
          await Promise.resolve()
          expect(calls.map(([outcome]) => outcome)).toEqual([expected])
        },
      ),
      { numRuns: 200 },
    )
  })
})
