import { execFile } from 'node:child_process'
import { connect } from 'node:net'
import { type App, type Logger, type Middleware, pipe, silentLogger } from '@paste/core'
import { urlMap } from '@paste/urlmap'
import { inProcessFetch, matrix, startServer } from '@paste-tooling/testing'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { type UploadRecord, uploadProgress } from './index.js'

afterEach(() => {
  vi.useRealTimers()
})

/** Reads the whole body and answers its length. */
const sink: App = async (request) => new Response(String((await request.arrayBuffer()).byteLength))
/** Test-only authentication: the user named in x-user. */
const asUser: Middleware = (app) => (request, context) =>
  app(request, context.derive({ remoteUser: request.headers.get('x-user') ?? undefined }))

function site(progress = uploadProgress({ threshold: 1000 })) {
  return {
    progress,
    app: pipe(
      urlMap({ '/upload': pipe(sink, progress.middleware), '/progress': progress.reporter() }),
      asUser,
    ),
  }
}

const body = (n: number) => new Uint8Array(n).fill(120)

/** Like `sink`, but each request waits until `release()` before reading its body. */
function gatedSink(): { app: App; release: () => void } {
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const app: App = async (request) => {
    await gate
    return new Response(String((await request.arrayBuffer()).byteLength))
  }
  return { app, release }
}

matrix(
  'an upload over the threshold is counted and reported to its user, by list and by id',
  () => site().app,
  async (fetch) => {
    const r = await fetch('/upload', {
      method: 'POST',
      body: body(5000),
      headers: { 'x-user': 'alice', 'x-progress-id': 'upload-0001', 'content-length': '5000' },
    })
    expect(await r.text()).toBe('5000')
    const byId = await (
      await fetch('/progress?X-Progress-ID=upload-0001', { headers: { 'x-user': 'alice' } })
    ).json()
    expect(byId).toMatchObject({
      id: 'upload-0001',
      state: 'done',
      size: 5000,
      received: 5000,
      percent: 100,
      path: '/upload',
    })
    const list = (await (await fetch('/progress', { headers: { 'x-user': 'alice' } })).json()) as {
      id: string
    }[]
    expect(list.map((u) => u.id)).toEqual(['upload-0001'])
    // another user sees nothing, even with the id; anonymous sees no list
    expect(await (await fetch('/progress', { headers: { 'x-user': 'bob' } })).json()).toEqual([])
    expect(
      (await fetch('/progress', { headers: { 'x-user': 'bob', 'x-progress-id': 'upload-0001' } }))
        .status,
    ).toBe(404)
    expect(await (await fetch('/progress')).json()).toEqual([])
  },
)

matrix(
  'small bodies and bodiless requests are not monitored',
  () => site().app,
  async (fetch) => {
    await (
      await fetch('/upload', {
        method: 'POST',
        body: body(999),
        headers: { 'x-user': 'carol', 'content-length': '999' },
      })
    ).text()
    await (await fetch('/upload', { headers: { 'x-user': 'carol' } })).text()
    expect(await (await fetch('/progress', { headers: { 'x-user': 'carol' } })).json()).toEqual([])
  },
)

matrix(
  'hostile ids: malformed ones are refused by the reporter and ignored by the monitor',
  () => site().app,
  async (fetch) => {
    for (const id of [
      'short',
      'a/../../b-long',
      'x'.repeat(129),
      'id with spaces',
      '<script>x</script>',
    ])
      expect((await fetch(`/progress?X-Progress-ID=${encodeURIComponent(id)}`)).status).toBe(400)
    await (
      await fetch('/upload', {
        method: 'POST',
        body: body(2000),
        headers: { 'x-user': 'dan', 'x-progress-id': '../etc', 'content-length': '2000' },
      })
    ).text()
    const [upload] = (await (
      await fetch('/progress', { headers: { 'x-user': 'dan' } })
    ).json()) as { id: string }[]
    expect(upload!.id).toMatch(/^[0-9a-f-]{36}$/) // a generated id instead
    expect((await fetch('/progress', { method: 'POST' })).status).toBe(405)
  },
)

describe('through a real server with a slow client', () => {
  test('progress grows while curl uploads at a limited rate, then the upload is done', async () => {
    const { app, progress } = site(uploadProgress({ threshold: 1024 }))
    const server = await startServer(app, { logger: silentLogger })
    try {
      const size = 384 * 1024
      const upload = new Promise<string>((resolve, reject) => {
        const child = execFile(
          'curl',
          [
            '-s',
            '--limit-rate',
            '128K',
            '-H',
            'X-Progress-ID: slow-upload-1',
            '-H',
            'x-user: erin',
            '--data-binary',
            '@-',
            `${server.url}/upload`,
          ],
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        )
        child.stdin!.end(Buffer.alloc(size, 7))
      })
      const seen: number[] = []
      for (let i = 0; i < 100; i++) {
        const r = await server.fetch('/progress?X-Progress-ID=slow-upload-1', {
          headers: { 'x-user': 'erin' },
        })
        if (r.status === 200) {
          const record = (await r.json()) as { received: number; state: string }
          seen.push(record.received)
          if (record.state === 'done') break
        } else await r.arrayBuffer()
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(await upload).toBe(String(size))
      const middle = seen.filter((n) => n > 0 && n < size)
      expect(middle.length).toBeGreaterThan(0) // seen in the middle of the upload
      expect([...seen].sort((a, b) => a - b)).toEqual(seen) // never going back
      expect(progress.uploads()[0]).toMatchObject({ state: 'done', received: size, size })
    } finally {
      await server.close()
    }
  }, 30_000)

  test('a client that leaves mid-upload ends its record as aborted or failed, not uploading', async () => {
    const { app, progress } = site()
    const server = await startServer(app, { logger: silentLogger })
    try {
      await new Promise<void>((resolve) => {
        const socket = connect(server.port, '127.0.0.1', () => {
          socket.write(
            'POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Progress-ID: leaving-client\r\nContent-Length: 2000000\r\n\r\n',
          )
          socket.write(Buffer.alloc(10_000, 1))
          setTimeout(() => {
            socket.destroy()
            resolve()
          }, 100)
        })
      })
      let record: UploadRecord | undefined
      for (let i = 0; i < 100; i++) {
        record = progress.uploads().find((u) => u.id === 'leaving-client')
        if (record && record.state !== 'uploading') break
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(['aborted', 'failed']).toContain(record?.state)
      expect(record!.received).toBeLessThan(2_000_000)
      expect(record!.finishedAt).toBeDefined()
    } finally {
      await server.close()
    }
  })
})

describe('bounds', () => {
  test('finished uploads are forgotten after keepFinishedMs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const progress = uploadProgress({ threshold: 10, keepFinishedMs: 60_000 })
    const fetch = inProcessFetch(pipe(sink, progress.middleware))
    await (
      await fetch('/', { method: 'POST', body: body(100), headers: { 'content-length': '100' } })
    ).text()
    expect(progress.uploads()).toHaveLength(1)
    vi.advanceTimersByTime(59_999)
    expect(progress.uploads()).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(progress.uploads()).toHaveLength(0)
  })

  test('at maxEntries the oldest finished record makes room; uploads in progress are never dropped', async () => {
    const warnings: string[] = []
    const logger: Logger = { ...silentLogger, warn: (m: string) => void warnings.push(m) }
    const progress = uploadProgress({ threshold: 10, maxEntries: 2 })
    const { app: holding, release } = gatedSink()
    const fetch = inProcessFetch(pipe(holding, progress.middleware), { logger })
    const post = (id: string) =>
      fetch('/', {
        method: 'POST',
        body: body(100),
        headers: { 'x-progress-id': id, 'content-length': '100' },
      })
    const first = post('in-progress-1')
    const second = post('in-progress-2')
    await new Promise((resolve) => setTimeout(resolve, 10))
    const third = post('in-progress-3') // full of uploads in progress: not monitored
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(progress.uploads().map((u) => u.id)).toEqual(['in-progress-1', 'in-progress-2'])
    expect(warnings).toHaveLength(1)
    release()
    await Promise.all([first, second, third])
    await (await post('after-finish')).text() // evicts the oldest finished one
    expect(progress.uploads().map((u) => u.id)).toEqual(['in-progress-2', 'after-finish'])
  })

  test('an id already in progress cannot be taken over by a second upload', async () => {
    const progress = uploadProgress({ threshold: 10 })
    const { app: holding, release } = gatedSink()
    const fetch = inProcessFetch(pipe(holding, progress.middleware))
    const a = fetch('/a', {
      method: 'POST',
      body: body(100),
      headers: { 'x-progress-id': 'shared-id-01', 'content-length': '100' },
    })
    await new Promise((resolve) => setTimeout(resolve, 10))
    const b = fetch('/b', {
      method: 'POST',
      body: body(300),
      headers: { 'x-progress-id': 'shared-id-01', 'content-length': '300' },
    })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(progress.uploads()).toMatchObject([{ id: 'shared-id-01', path: '/a', size: 100 }])
    release()
    await Promise.all([a, b])
  })

  test('options are checked', () => {
    expect(() => uploadProgress({ threshold: -1 })).toThrow(/threshold/)
    expect(() => uploadProgress({ maxEntries: 1.5 })).toThrow(/maxEntries/)
  })
})
