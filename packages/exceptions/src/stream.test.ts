import { type App, createContext, pipe, silentLogger } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { recorder } from '../test/helpers.js'
import { errorMiddleware } from './index.js'

/** Sends two chunks, then fails while the body streams (after the status line left). */
const midStream: App = () => {
  let step = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      step++
      if (step <= 2) controller.enqueue(new TextEncoder().encode(`chunk ${step}\n`))
      else controller.error(new Error('generator failed mid-stream'))
    },
  })
  return new Response(body, { headers: { 'content-type': 'text/plain' } })
}

describe('errors while the body streams', () => {
  for (const debug of [false, true]) {
    const rec = recorder()
    matrix(
      `abort the body and are reported once (debug: ${debug})`,
      () => pipe(midStream, errorMiddleware({ debug, reporters: [rec] })),
      async (fetch) => {
        const before = rec.reports.length
        let status: number | undefined
        const body = fetch('/stream').then((res) => {
          status = res.status
          return res.text()
        })
        // the body is cut short: through the server, the connection is dropped (before or
        // after the client saw the headers, depending on buffering), never ended cleanly
        await expect(body).rejects.toThrow()
        // the status line, when it arrived, is the app's: it cannot become a 500 any more
        if (status !== undefined) expect(status).toBe(200)
        const reports = await rec.next(before + 1)
        await new Promise((r) => setTimeout(r, 50))
        expect(reports).toHaveLength(before + 1)
        const report = reports[before]!
        expect(report.phase).toBe('body')
        expect(report.errors[0]!.message).toBe('generator failed mid-stream')
        expect(report.request.pathInfo).toBe('/stream')
      },
      { logger: silentLogger },
    )
  }

  const rec = recorder()
  matrix(
    'a body that completes, or that the client cancels, is not reported',
    () =>
      pipe(
        () => new Response(new Blob(['x'.repeat(100_000)]).stream()),
        errorMiddleware({ reporters: [rec] }),
      ),
    async (fetch) => {
      expect((await (await fetch('/')).text()).length).toBe(100_000)
      const res = await fetch('/')
      await res.body?.cancel()
      await new Promise((r) => setTimeout(r, 50))
      expect(rec.reports).toHaveLength(0)
    },
  )

  test('a response the server sends as a file (sendfile hook) passes through untouched', async () => {
    const response = new Response('file bytes')
    let touched = false
    Object.defineProperty(response, Symbol.for('@paste/httpserver.sendFile'), {
      get: () => {
        touched = true
        return { path: '/dev/null' }
      },
    })
    const app = errorMiddleware({ reporters: [] })(() => response)
    const request = new Request('http://h/')
    expect(await app(request, createContext(request))).toBe(response)
    expect(touched).toBe(false)
  })
})
