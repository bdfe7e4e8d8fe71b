/*
 * @paste/core's whenSent() on this server: the callback hears once, after the response has
 * left, how it ended and how many body bytes were written.
 */
import { request as httpRequest } from 'node:http'
import { type App, type Logger, type SentOutcome, whenSent } from '@paste/core'
import { afterEach, describe, expect, test } from 'vitest'
import { type PasteServer, SEND_FILE, type SendSource, serve } from './index.js'

type Report = { outcome: SentOutcome; bytes: number }

let server: PasteServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Serves `app` wrapped so each request's sent report lands in `reports`. */
async function start(app: App, logger?: Logger) {
  const reports: Report[] = []
  let notify: () => void = () => {}
  const wrapped: App = (request, context) => {
    const asked = whenSent(request, (outcome, bytes) => {
      reports.push({ outcome, bytes })
      notify()
    })
    expect(asked).toBe(true)
    return app(request, context)
  }
  server = await serve(wrapped, { port: 0, ...(logger ? { logger } : {}) })
  const next = (count: number) =>
    new Promise<Report[]>((resolve) => {
      notify = () => {
        if (reports.length >= count) resolve(reports)
      }
      notify()
    })
  return { url: server.url, reports, next }
}

function stream(chunks: Uint8Array[], options: { failAfter?: number; hold?: boolean } = {}) {
  let i = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (options.failAfter !== undefined && i === options.failAfter)
        return controller.error(new Error('source broke'))
      if (i === chunks.length) {
        if (options.hold) return new Promise(() => {}) // never ends
        return controller.close()
      }
      controller.enqueue(chunks[i++]!)
    },
  })
}

describe('whenSent through @paste/httpserver', () => {
  test('a simple body: complete, with its UTF-8 byte length', async () => {
    const { url, next } = await start(() => new Response('héllo wörld'))
    expect(await (await fetch(url)).text()).toBe('héllo wörld')
    expect(await next(1)).toEqual([{ outcome: 'complete', bytes: 13 }])
  })

  test('HEAD: complete with no body bytes', async () => {
    const { url, next } = await start(() => new Response('hello'))
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(200)
    expect(await next(1)).toEqual([{ outcome: 'complete', bytes: 0 }])
  })

  test('a streamed body and a SEND_FILE source: the bytes written', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(97)
    const data = new Uint8Array(300_000).fill(98)
    let position = 0
    const source: SendSource = {
      length: data.length,
      read(buffer, done) {
        const n = Math.min(buffer.length, data.length - position)
        buffer.set(data.subarray(position, position + n))
        position += n
        setImmediate(done, null, n)
      },
      close() {},
    }
    const { url, next } = await start((request) => {
      if (new URL(request.url).pathname === '/file') {
        const response = new Response('unused', {
          headers: { 'content-length': String(data.length) },
        })
        Object.defineProperty(response, SEND_FILE, { value: { source } })
        return response
      }
      return new Response(stream([chunk, chunk, chunk]))
    })
    expect((await (await fetch(url)).arrayBuffer()).byteLength).toBe(3 * chunk.length)
    expect((await (await fetch(`${url}/file`)).arrayBuffer()).byteLength).toBe(data.length)
    expect(await next(2)).toEqual([
      { outcome: 'complete', bytes: 3 * chunk.length },
      { outcome: 'complete', bytes: data.length },
    ])
  })

  test('the client goes away mid-body: aborted, with what was written', async () => {
    const chunk = new Uint8Array(16 * 1024).fill(99)
    const { url, next } = await start(() => new Response(stream([chunk, chunk], { hold: true })))
    await new Promise<void>((resolve) => {
      const req = httpRequest(url, (res) => {
        let got = 0
        res.on('data', (c: Buffer) => {
          got += c.length
          if (got >= 2 * chunk.length) req.destroy()
        })
      })
      req.on('close', resolve)
      req.on('error', () => {})
      req.end()
    })
    const [report] = await next(1)
    expect(report).toEqual({ outcome: 'aborted', bytes: 2 * chunk.length })
  })

  test('the body fails while being sent: error', async () => {
    const errors: unknown[] = []
    const logger = { ...console, error: (...a: unknown[]) => void errors.push(a) } as Logger
    const chunk = new Uint8Array(1024).fill(100)
    const { url, next } = await start(
      () => new Response(stream([chunk, chunk], { failAfter: 1 })),
      logger,
    )
    await fetch(url)
      .then((r) => r.arrayBuffer())
      .catch(() => {})
    const [report] = await next(1)
    expect(report?.outcome).toBe('error')
    expect(report?.bytes).toBe(chunk.length)
    expect(errors.length).toBeGreaterThan(0)
  })

  test('the client leaves before an async app answers: aborted, nothing written', async () => {
    let answer: (response: Response) => void = () => {}
    const { url, next } = await start(() => new Promise<Response>((r) => (answer = r)))
    await new Promise<void>((resolve) => {
      const req = httpRequest(url)
      req.on('error', () => {})
      req.on('close', resolve)
      req.end()
      setTimeout(() => req.destroy(), 100)
    })
    await new Promise((r) => setTimeout(r, 50))
    answer(new Response('too late'))
    expect(await next(1)).toEqual([{ outcome: 'aborted', bytes: 0 }])
  })

  test('a callback that throws is logged; the others still hear', async () => {
    const errors: unknown[] = []
    const logger = { ...console, error: (...a: unknown[]) => void errors.push(a) } as Logger
    const heard: string[] = []
    server = await serve(
      (request) => {
        whenSent(request, () => {
          throw new Error('boom')
        })
        whenSent(request, (outcome) => heard.push(outcome))
        return new Response('x')
      },
      { port: 0, logger },
    )
    await (await fetch(server.url)).text()
    for (let i = 0; i < 50 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    expect(heard).toEqual(['complete'])
    expect(JSON.stringify(errors)).toContain('a sent callback threw')
  })
})

test('whenSent on a Request the server did not make: false, and nothing registered', () => {
  expect(whenSent(new Request('http://x/'), () => {})).toBe(false)
})
