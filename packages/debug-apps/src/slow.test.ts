import { createHash } from 'node:crypto'
import { connect } from 'node:net'
import type { App } from '@paste/core'
import { createContext } from '@paste/core'
import { curl, matrix, startServer } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { type SlowProgress, slowConsumer } from './slow.js'

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex')

/** A body sent in `parts`, as a chunked stream. */
function streamOf(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    pull(controller) {
      const next = parts.shift()
      if (next === undefined) controller.close()
      else controller.enqueue(encoder.encode(next))
    },
  })
}

matrix('slowConsumer shows an upload form on GET', slowConsumer, async (fetch) => {
  const response = await fetch('/')
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
  const html = await response.text()
  expect(html).toContain('<form method="post" enctype="multipart/form-data">')
  expect(html).toContain('<input type="file" name="file">')
  expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(html)))
})

matrix('slowConsumer answers HEAD with the form headers alone', slowConsumer, async (fetch) => {
  const get = await fetch('/')
  const head = await fetch('/', { method: 'HEAD' })
  expect(head.status).toBe(200)
  expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'))
  expect(await head.text()).toBe('')
})

{
  let steps: SlowProgress[] = []
  matrix(
    'slowConsumer reads a body in steps and answers what it read',
    () => {
      steps = []
      return slowConsumer({ delay: 0, onProgress: (p) => steps.push(p) })
    },
    async (fetch) => {
      const body = 'abcdefghij'.repeat(1000)
      const headers = { 'content-length': String(body.length) } // fetch adds it; a Request does not
      const response = await fetch('/', { method: 'POST', body, headers })
      expect(response.status).toBe(200)
      expect(await response.text()).toBe(
        `<html><body><p>10000 bytes</p><p>sha-256 ${sha256(body)}</p></body></html>`,
      )
      expect(steps).toEqual([
        { received: 4096, total: 10000 },
        { received: 8192, total: 10000 },
        { received: 10000, total: 10000 },
      ])
    },
  )
}

{
  let steps: SlowProgress[] = []
  matrix(
    'slowConsumer reads a chunked PUT with small pauses',
    () => {
      steps = []
      return slowConsumer({ delay: 2, chunkSize: 3, onProgress: (p) => steps.push(p) })
    },
    async (fetch) => {
      const init = { method: 'PUT', body: streamOf(['hel', 'lo ', 'wo', 'rld']), duplex: 'half' }
      const response = await fetch('/', init as RequestInit)
      expect(response.status).toBe(200)
      const text = await response.text()
      expect(text).toContain('<p>11 bytes</p>')
      expect(text).toContain(sha256('hello world'))
      expect(steps.map((s) => s.received)).toEqual([3, 6, 9, 11])
      expect(steps.every((s) => s.total === undefined)).toBe(true)
    },
  )
}

matrix('slowConsumer answers an empty POST', slowConsumer, async (fetch) => {
  const response = await fetch('/', { method: 'POST' })
  expect(response.status).toBe(200)
  expect(await response.text()).toContain('<p>0 bytes</p>')
})

matrix('slowConsumer refuses other methods with 405 and Allow', slowConsumer, async (fetch) => {
  for (const method of ['DELETE', 'PATCH', 'OPTIONS']) {
    const response = await fetch('/', { method })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST, PUT')
  }
})

{
  let steps = 0
  matrix(
    'slowConsumer refuses a declared body over maxBodyBytes unread',
    () => {
      steps = 0
      return slowConsumer({ delay: 0, maxBodyBytes: 1000, onProgress: () => steps++ })
    },
    async (fetch) => {
      const headers = { 'content-length': '1001' }
      const response = await fetch('/', { method: 'POST', body: 'x'.repeat(1001), headers })
      expect(response.status).toBe(413)
      expect(steps).toBe(0)
      const fits = await fetch('/', { method: 'POST', body: 'x'.repeat(1000) })
      expect(await fits.text()).toContain('<p>1000 bytes</p>')
    },
  )
}

matrix(
  'slowConsumer cuts off a stream that passes maxBodyBytes',
  () => slowConsumer({ delay: 0, chunkSize: 100, maxBodyBytes: 1000 }),
  async (fetch) => {
    const parts = Array.from({ length: 50 }, () => 'y'.repeat(100))
    const init = { method: 'POST', body: streamOf(parts), duplex: 'half' }
    const response = await fetch('/', init as RequestInit)
    expect(response.status).toBe(413)
    expect(await response.text()).toBe('Payload Too Large\n')
  },
)

describe('slowConsumer', () => {
  test('refuses bad options with a TypeError naming the package', () => {
    expect(() => slowConsumer({ chunkSize: 0 })).toThrow(/@paste\/debug-apps: chunkSize/)
    expect(() => slowConsumer({ delay: -1 })).toThrow(/@paste\/debug-apps: delay/)
    expect(() => slowConsumer({ delay: 1.5 })).toThrow(TypeError)
    expect(() => slowConsumer({ maxBodyBytes: Number.NaN })).toThrow(/maxBodyBytes/)
    const bad = { onProgress: 'log' } as unknown as Parameters<typeof slowConsumer>[0]
    expect(() => slowConsumer(bad)).toThrow(/onProgress must be a function/)
  })

  test('answers a malformed Content-Length with 400 (in process)', async () => {
    const app = slowConsumer({ delay: 0 })
    const request = new Request('http://localhost/', {
      method: 'POST',
      headers: { 'content-length': '12abc' },
    })
    const response = await app(request, createContext(request))
    expect(response.status).toBe(400)
  })

  test('stops at once when the client goes away (in process)', async () => {
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(10))
      },
      cancel() {
        cancelled = true
      },
    })
    const controller = new AbortController()
    const request = new Request('http://localhost/', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit)
    // a pause of an hour after the first step: only the abort can end it
    const app = slowConsumer({
      chunkSize: 5,
      delay: 3_600_000,
      onProgress: () => controller.abort(),
    })
    const response = await app(request, createContext(request, { signal: controller.signal }))
    expect(response.status).toBe(400)
    expect(await response.text()).toBe('Bad Request: upload aborted\n')
    expect(cancelled).toBe(true)
  })

  test('stops reading when a real client drops an upload', async () => {
    let steps = 0
    let firstStep = () => {}
    const stepped = new Promise<void>((resolve) => (firstStep = resolve))
    let finished: (response: Response) => void = () => {}
    const ended = new Promise<Response>((resolve) => (finished = resolve))
    const slow = slowConsumer({
      chunkSize: 1000,
      delay: 3_600_000,
      onProgress: () => {
        steps++
        firstStep()
      },
    })
    const app: App = async (request, context) => {
      const response = await slow(request, context)
      finished(response)
      return response
    }
    const server = await startServer(app)
    try {
      const socket = connect(server.port, '127.0.0.1')
      socket.on('error', () => {})
      socket.write(
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n',
      )
      socket.write('z'.repeat(5000))
      await stepped
      socket.destroy()
      const response = await ended
      expect(response.status).toBe(400)
      expect(await response.text()).toBe('Bad Request: upload aborted\n')
      expect(steps).toBe(1)
    } finally {
      await server.close()
    }
  })

  test("the server's own body limit is answered 413", async () => {
    const server = await startServer(slowConsumer({ delay: 0, maxBodyBytes: 1_000_000 }), {
      maxBodyBytes: 1000,
    })
    try {
      const parts = Array.from({ length: 20 }, () => 'q'.repeat(500))
      const init = { method: 'POST', body: streamOf(parts), duplex: 'half' }
      const response = await server.fetch('/', init as RequestInit)
      expect(response.status).toBe(413)
    } finally {
      await server.close()
    }
  })

  test('takes a multipart upload from curl, and a raw body', async () => {
    const server = await startServer(slowConsumer({ delay: 0 }))
    try {
      const form = await curl(['-F', 'file=@package.json', `${server.url}/`])
      expect(form.code).toBe(0)
      expect(form.stdout.toString()).toMatch(/<p>\d+ bytes<\/p>/)
      const raw = await curl(['--data-binary', 'hello', `${server.url}/`])
      expect(raw.stdout.toString()).toContain(`<p>5 bytes</p><p>sha-256 ${sha256('hello')}</p>`)
    } finally {
      await server.close()
    }
  })
})

describe('slowConsumer errors', () => {
  test('a body that fails to read is a 400, not a 500 (in process)', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(3))
        controller.error(new Error('socket reset'))
      },
    })
    const request = new Request('http://localhost/', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit)
    const response = await slowConsumer({ delay: 0 })(request, createContext(request))
    expect(response.status).toBe(400)
    expect(await response.text()).toBe('Bad Request: the body could not be read\n')
  })

  test('an error thrown by onProgress is not hidden as a 400', async () => {
    const app = slowConsumer({
      delay: 0,
      chunkSize: 1,
      onProgress: () => {
        throw new Error('bug in the test hook')
      },
    })
    const request = new Request('http://localhost/', { method: 'POST', body: 'abc' })
    await expect(app(request, createContext(request))).rejects.toThrow('bug in the test hook')
  })
})
