import { type App, HTTP_ERROR } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { RequestBodyError } from './error.js'
import { readForm } from './form.js'

const post = (body: RequestInit['body'], type?: string, headers: Record<string, string> = {}) =>
  new Request('http://h/', {
    method: 'POST',
    body,
    headers: type ? { 'content-type': type, ...headers } : headers,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit)

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise
    return 200
  } catch (error) {
    if (error instanceof RequestBodyError) return error.status
    throw error
  }
}

const multipart = (boundary: string, parts: string[]) =>
  `${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`

describe('urlencoded', () => {
  test('repeated names, +, escapes, UTF-8', async () => {
    const form = await readForm(
      post('a=1&a=2&b=x+y%21&c=%C3%A9t%C3%A9&d&=e', 'application/x-www-form-urlencoded'),
    )
    expect([...form]).toEqual([
      ['a', '1'],
      ['a', '2'],
      ['b', 'x y!'],
      ['c', 'été'],
      ['d', ''],
      ['', 'e'],
    ])
  })
  test('reading the same request twice gives the same form (paste GH85 nodup)', async () => {
    const request = post('a=1&b=2&c=3&b=4', 'application/x-www-form-urlencoded')
    const first = await readForm(request)
    first.append('mutated', 'x')
    const second = await readForm(request)
    expect(second.getAll('b')).toEqual(['2', '4'])
    expect(second.has('mutated')).toBe(false)
    const bad = post('a=%FF', 'application/x-www-form-urlencoded')
    expect(await status(readForm(bad))).toBe(400)
    expect(await status(readForm(bad))).toBe(400)
  })
  test('a GET without body is an empty form', async () => {
    expect((await readForm(new Request('http://h/'))).size).toBe(0)
  })
  test.each([
    ['a=%FF', 400],
    ['a=%C3', 400],
    ['a=%zz&b=%', 200],
  ])('bad encodings: %s -> %i', async (body, expected) => {
    expect(await status(readForm(post(body, 'application/x-www-form-urlencoded')))).toBe(expected)
  })
  test('raw non-UTF-8 bytes are a 400', async () => {
    const body = new Uint8Array([0x61, 0x3d, 0xff])
    expect(await status(readForm(post(body, 'application/x-www-form-urlencoded')))).toBe(400)
  })
  test('limits: bytes (also from Content-Length) and fields', async () => {
    const type = 'application/x-www-form-urlencoded'
    expect(await status(readForm(post('a=12345', type), { maxBytes: 6 }))).toBe(413)
    expect(await status(readForm(post('a=1234', type), { maxBytes: 6 }))).toBe(200)
    expect(await status(readForm(post('a=1&b=2&c=3', type), { maxFields: 2 }))).toBe(413)
    expect(await status(readForm(post('a=1&&b=2&', type), { maxFields: 2 }))).toBe(200)
    expect(await status(readForm(post('x'.repeat(1024 * 1024 + 1), type)))).toBe(413)
  })
  test.each([
    ['text/plain', 415],
    ['application/json', 415],
    ['application/x-www-form-urlencoded; charset=latin1', 415],
    ['application/x-www-form-urlencoded; charset=UTF-8', 200],
    ['garbage', 415],
  ])('content type %s -> %i', async (type, expected) => {
    expect(await status(readForm(post('a=1', type)))).toBe(expected)
  })
  test('a body without a content type, or with a Content-Encoding, is a 415', async () => {
    expect(await status(readForm(post('a=1')))).toBe(415)
    const gz = post('a=1', 'application/x-www-form-urlencoded', { 'content-encoding': 'gzip' })
    expect(await status(readForm(gz))).toBe(415)
  })
  test('bad options throw a TypeError naming the option', async () => {
    await expect(readForm(post('a', 'text/plain'), { maxBytes: -1 })).rejects.toThrow(/maxBytes/)
    await expect(readForm(post('a', 'text/plain'), { maxFiles: 1.5 })).rejects.toThrow(/maxFiles/)
  })
})

describe('hostile urlencoded bodies', () => {
  test.each([
    ['percents', '%'.repeat(65536), 200],
    ['ampersands', '&'.repeat(65536), 200],
    ['equals', '='.repeat(65536), 200],
    ['empty names', '=&'.repeat(32768), 413],
    ['broken escapes', '%e'.repeat(21845), 200],
    ['escaped invalid UTF-8', '%ff'.repeat(21845), 400],
  ])('64 KiB of %s: %i, in linear time', async (_, body, expected) => {
    const type = 'application/x-www-form-urlencoded'
    let best = Number.POSITIVE_INFINITY
    for (let run = 0; run < 3; run++) {
      const started = performance.now()
      expect(await status(readForm(post(body, type)))).toBe(expected)
      best = Math.min(best, performance.now() - started)
    }
    expect(best).toBeLessThan(50)
  })
})

describe('limits are enforced while streaming', () => {
  test('an endless body is cancelled just past maxBytes', async () => {
    let pulled = 0
    let cancelled = false
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1000
        controller.enqueue(new Uint8Array(1000).fill(0x61))
      },
      cancel() {
        cancelled = true
      },
    })
    const type = 'application/x-www-form-urlencoded'
    expect(await status(readForm(post(endless, type), { maxBytes: 10_000 }))).toBe(413)
    expect(cancelled).toBe(true)
    expect(pulled).toBeLessThanOrEqual(12_000)
  })
  test('multipart: an endless file part stops at maxFileBytes', async () => {
    let pulled = 0
    let cancelled = false
    const head = new TextEncoder().encode(
      '--b\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\n',
    )
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(pulled === 0 ? head : new Uint8Array(4096).fill(0x62))
        pulled += 4096
      },
      cancel() {
        cancelled = true
      },
    })
    const r = post(endless, 'multipart/form-data; boundary=b')
    expect(await status(readForm(r, { maxFileBytes: 50_000 }))).toBe(413)
    expect(cancelled).toBe(true)
    expect(pulled).toBeLessThan(50_000 + 16 * 4096) // the limit plus the stream's read-ahead
  })
  test('a body stream that fails is a 400', async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('socket hang up'))
      },
    })
    expect(await status(readForm(post(failing, 'application/x-www-form-urlencoded')))).toBe(400)
  })
})

describe('multipart/form-data', () => {
  test('fields and files, as browsers send them (FormData)', async () => {
    const data = new FormData()
    data.append('title', 'Héllo')
    data.append('tag', 'a')
    data.append('tag', 'b')
    data.append('upload', new File(['file\r\n--body'], 'a.txt', { type: 'text/plain' }))
    const form = await readForm(new Request('http://h/', { method: 'POST', body: data }))
    expect(form.get('title')).toBe('Héllo')
    expect(form.getAll('tag')).toEqual(['a', 'b'])
    const file = form.get('upload') as File
    expect(file).toBeInstanceOf(File)
    expect([file.name, file.type, await file.text()]).toEqual([
      'a.txt',
      'text/plain',
      'file\r\n--body',
    ])
    // browsers send an empty file input as filename="" with no content: an empty File
    const raw = multipart('b', ['Content-Disposition: form-data; name="e"; filename=""\r\n\r\n'])
    const empty = (await readForm(post(raw, 'multipart/form-data; boundary=b'))).get('e') as File
    expect([empty.name, empty.size, empty.type]).toEqual(['', 0, 'application/octet-stream'])
  })
  test('preamble, epilogue, transport padding, quoted boundary, filename*, paths stripped', async () => {
    const body =
      'preamble\r\n--x y  \r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n' +
      '--x y\r\ncontent-disposition: form-data; name="f"; filename="C:\\\\tmp\\\\evil.txt"; filename*=UTF-8\'\'%C3%A9.txt\r\n' +
      'Content-Type: image/png\r\n\r\nPNG\r\n--x y--\r\nepilogue'
    const form = await readForm(post(body, 'multipart/form-data; boundary="x y"'))
    expect(form.get('a')).toBe('1')
    const f = form.get('f') as File
    expect([f.name, f.type, await f.text()]).toEqual(['é.txt', 'image/png', 'PNG'])
    const plain = multipart('b', [
      'Content-Disposition: form-data; name="f"; filename="../../etc/passwd"\r\n\r\nx',
    ])
    expect(
      ((await readForm(post(plain, 'multipart/form-data; boundary=b'))).get('f') as File).name,
    ).toBe('passwd')
  })
  test('parses the same whatever the chunking', async () => {
    const body = new TextEncoder().encode(
      multipart('boundary', [
        'Content-Disposition: form-data; name="a"\r\n\r\nvalue one',
        'Content-Disposition: form-data; name="b"\r\n\r\n\r\n--boundar\r\n',
        'Content-Disposition: form-data; name="c"; filename="c.bin"\r\n\r\n\x00\x01--boundary',
      ]),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: body.length }), { maxLength: 10 }),
        async (cuts) => {
          const points = [...new Set([0, ...cuts, body.length])].sort((a, b) => a - b)
          const stream = new ReadableStream<Uint8Array>({
            start(controller) {
              for (let i = 1; i < points.length; i++)
                controller.enqueue(body.slice(points[i - 1], points[i]))
              controller.close()
            },
          })
          const form = await readForm(post(stream, 'multipart/form-data; boundary=boundary'))
          expect(form.get('a')).toBe('value one')
          expect(form.get('b')).toBe('\r\n--boundar\r\n')
          expect(await (form.get('c') as File).text()).toBe('\x00\x01--boundary')
        },
      ),
      { numRuns: 60 },
    )
  })
  test.each([
    [
      'no boundary',
      'multipart/form-data',
      multipart('b', ['Content-Disposition: form-data; name="a"\r\n\r\n1']),
      400,
    ],
    ['boundary too long', `multipart/form-data; boundary=${'b'.repeat(71)}`, '', 400],
    [
      'no close delimiter',
      'multipart/form-data; boundary=b',
      '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
      400,
    ],
    ['empty body', 'multipart/form-data; boundary=b', '', 400],
    [
      'no disposition',
      'multipart/form-data; boundary=b',
      multipart('b', ['Content-Type: text/plain\r\n\r\n1']),
      400,
    ],
    [
      'no name',
      'multipart/form-data; boundary=b',
      multipart('b', ['Content-Disposition: form-data\r\n\r\n1']),
      400,
    ],
    ['no headers', 'multipart/form-data; boundary=b', multipart('b', ['\r\n1']), 400],
    ['junk after delimiter', 'multipart/form-data; boundary=b', '--bjunk\r\n\r\n--b--', 400],
    [
      'field not UTF-8',
      'multipart/form-data; boundary=b',
      multipart('b', ['Content-Disposition: form-data; name="a"\r\n\r\n\xff']),
      400,
    ],
    ['only the close delimiter', 'multipart/form-data; boundary=b', '--b--\r\n', 200],
  ])('%s', async (_, type, body, expected) => {
    const bytes = Uint8Array.from(body, (c) => c.charCodeAt(0))
    expect(await status(readForm(post(bytes, type)))).toBe(expected)
  })
  test('limits: files, fields, file bytes, field bytes, header bytes, total bytes', async () => {
    const type = 'multipart/form-data; boundary=b'
    const field = (n: string, v: string) =>
      `Content-Disposition: form-data; name="${n}"\r\n\r\n${v}`
    const file = (n: string, v: string) =>
      `Content-Disposition: form-data; name="${n}"; filename="${n}"\r\n\r\n${v}`
    const run = (parts: string[], options: Parameters<typeof readForm>[1]) =>
      status(readForm(post(multipart('b', parts), type), options))
    expect(await run([file('a', '1'), file('b', '2')], { maxFiles: 1 })).toBe(413)
    expect(await run([file('a', '1'), field('b', '2')], { maxFiles: 1, maxFields: 1 })).toBe(200)
    expect(await run([field('a', '1'), field('b', '2')], { maxFields: 1 })).toBe(413)
    expect(await run([file('a', '12345')], { maxFileBytes: 4 })).toBe(413)
    expect(await run([file('a', '1234')], { maxFileBytes: 4 })).toBe(200)
    expect(await run([field('a', '12345')], { maxFieldBytes: 4 })).toBe(413)
    expect(
      await run([`X-Pad: ${'p'.repeat(200)}\r\n${field('a', '1')}`], { maxHeaderBytes: 100 }),
    ).toBe(413)
    expect(await run([field('a', 'x'.repeat(100))], { maxBytes: 100 })).toBe(413)
  })
  test('a 64 KiB adversarial multipart body parses quickly', async () => {
    const type =
      'multipart/form-data; boundary=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
    const near = `\r\n--${'a'.repeat(69)}b`
    const body = `--${'a'.repeat(70)}\r\nContent-Disposition: form-data; name="f"; filename="f"\r\n\r\n${near.repeat(Math.floor(60000 / near.length))}\r\n--${'a'.repeat(70)}--`
    let best = Number.POSITIVE_INFINITY
    for (let run = 0; run < 3; run++) {
      const started = performance.now()
      const form = await readForm(post(body, type))
      best = Math.min(best, performance.now() - started)
      expect((form.get('f') as File).size).toBeGreaterThan(59000)
    }
    // near-miss delimiters cost O(boundary length) each, never O(body length)
    expect(best).toBeLessThan(50)
  })
  test('property: arbitrary bytes never crash the parser (only 400/413 or a form)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('b', 'xyz'),
        async (bytes, boundary) => {
          const code = await status(
            readForm(post(bytes, `multipart/form-data; boundary=${boundary}`)),
          )
          expect([200, 400, 413]).toContain(code)
        },
      ),
    )
  })
})

const echo: App = async (request) => {
  const form = await readForm(request, { maxBytes: 128 * 1024, maxFileBytes: 100_000 })
  const out: Record<string, unknown> = {}
  for (const [name, value] of form)
    out[name] = typeof value === 'string' ? value : { file: value.name, size: value.size }
  return Response.json(out)
}

matrix(
  'readForm in an app: FormData upload',
  () => echo,
  async (fetch) => {
    const data = new FormData()
    data.append('name', 'Ada')
    data.append('doc', new File([new Uint8Array(100_000)], 'doc.bin'))
    const response = await fetch('/', { method: 'POST', body: data })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ name: 'Ada', doc: { file: 'doc.bin', size: 100_000 } })
  },
)

matrix(
  'readForm in an app: oversized and malformed bodies are 413 and 400',
  () => echo,
  async (fetch) => {
    const big = await fetch('/', {
      method: 'POST',
      body: `a=${'x'.repeat(130 * 1024)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(big.status).toBe(413)
    await big.body?.cancel()
    const bad = await fetch('/', {
      method: 'POST',
      body: '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('close delimiter')
    // a limit hit in the middle of the stream: the body is cancelled, the client still gets 413
    const data = new FormData()
    data.append('doc', new File([new Uint8Array(120_000)], 'too-big.bin'))
    const midStream = await fetch('/', { method: 'POST', body: data })
    expect(midStream.status).toBe(413)
    expect(await midStream.text()).toContain('file exceeds 100000 bytes')
    const json = await fetch('/', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    })
    expect(json.status).toBe(415)
  },
)

describe('readForm reads a urlencoded body of declared length without a Web stream', () => {
  /** A Request whose `body` stream must not be asked for (a server's lazy Request builds one). */
  function noStream(request: Request): Request {
    return new Proxy(request, {
      get(target, key) {
        if (key === 'body') throw new Error('body stream asked for')
        const value = Reflect.get(target, key, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }

  test('a declared length: read whole with arrayBuffer(), decoded as before', async () => {
    const body = 'a=1&b=caf%C3%A9&a=2'
    const request = noStream(
      new Request('http://x/', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(body.length),
        },
        body,
      }),
    )
    const form = await readForm(request)
    expect(form.getAll('a')).toEqual(['1', '2'])
    expect(form.get('b')).toBe('café')
  })

  test('GET and HEAD without a Content-Type: an empty form, body untouched', async () => {
    expect((await readForm(noStream(new Request('http://x/')))).size).toBe(0)
    expect((await readForm(noStream(new Request('http://x/', { method: 'HEAD' })))).size).toBe(0)
  })

  test("the server's own 413 passes through; a body that fails to arrive is a 400", async () => {
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': '10',
    }
    const tooLarge = Object.assign(new Error('too large'), {
      status: 413,
      [HTTP_ERROR]: true,
      toResponse: () => new Response(null, { status: 413 }),
    })
    const failing = (error: unknown) =>
      Object.assign(new Request('http://x/', { method: 'POST', headers, body: 'a=1234567' }), {
        arrayBuffer: () => Promise.reject(error),
      })
    await expect(readForm(failing(tooLarge))).rejects.toBe(tooLarge)
    const broken = readForm(failing(new Error('socket hang up')))
    await expect(broken).rejects.toBeInstanceOf(RequestBodyError)
    expect(await status(readForm(failing(new Error('socket hang up'))))).toBe(400)
  })

  test('a body longer than it declared (in process) is still held to maxBytes', async () => {
    const request = new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '3' },
      body: 'a=1&b=2&c=3',
    })
    expect(await status(readForm(request, { maxBytes: 5 }))).toBe(413)
  })
})
