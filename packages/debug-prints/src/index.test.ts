import { Console } from 'node:console'
import { setTimeout as sleep } from 'node:timers/promises'
import { type App, pipe } from '@paste/core'
import { matrix, startServer } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { debugPrints, printControl } from './index.js'

// A console on the real process streams (vitest replaces the global one in test workers;
// in a server the global console writes to these same streams).
const out = new Console({ stdout: process.stdout, stderr: process.stderr })
const page = (body: string, type = 'text/html; charset=utf-8') =>
  new Response(body, { headers: { 'content-type': type, etag: '"v1"' } })
const OUTPUT =
  /<pre id="paste-debug-prints-output"[^>]*><b>Printed during this request<\/b>\n([\s\S]*?)<\/pre>/

function printed(html: string): string | undefined {
  return OUTPUT.exec(html)?.[1]
}

matrix(
  'what the request printed shows at the top of the body, escaped',
  () =>
    pipe(
      (() => {
        out.log('rendering <home> & friends')
        out.error('a warning on stderr')
        process.stdout.write('a raw write\n')
        return page(
          '<!doctype html><html><head><title>t</title></head><body class="x"><h1>Home</h1></body></html>',
        )
      }) as App,
      debugPrints(),
    ),
  async (fetch) => {
    const response = await fetch('/')
    const html = await response.text()
    expect(
      html.startsWith('<!doctype html><html><head><title>t</title></head><body class="x"><pre'),
    ).toBe(true)
    expect(printed(html)).toBe(
      'rendering &lt;home&gt; &amp; friends\na warning on stderr\na raw write\n',
    )
    expect(html).toContain('<h1>Home</h1>')
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(html)))
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('etag')).toBeNull() // the bytes changed
  },
)

matrix(
  'a page with <pre id="paste-debug-prints"> gets the output there, and nowhere else',
  () =>
    pipe(
      (() => {
        out.log('inside')
        return page(
          '<body><main>x</main><pre id="paste-debug-prints" style="white-space: normal"></pre></body>',
        )
      }) as App,
      debugPrints(),
    ),
  async (fetch) => {
    const html = await (await fetch('/')).text()
    expect(html).toBe(
      '<body><main>x</main><pre id="paste-debug-prints" style="white-space: normal">inside\n</pre></body>',
    )
  },
)

matrix(
  'a <body> inside a comment, a script or an attribute is not the body',
  () =>
    pipe(
      (() => {
        out.log('here')
        return page(
          '<html><head><!-- <body> --><script>let s = "<body>"</script><meta content="<body>"></head><body id="real">x</body></html>',
        )
      }) as App,
      debugPrints(),
    ),
  async (fetch) => {
    const html = await (await fetch('/')).text()
    expect(html.indexOf('<pre id="paste-debug-prints-output"')).toBe(
      html.indexOf('<body id="real">') + '<body id="real">'.length,
    )
  },
)

matrix(
  'a page without a <body> tag gets the output at its end, never before the doctype',
  () =>
    pipe(
      (() => {
        out.log('end')
        return page('<!DOCTYPE html><title>t</title><p>text')
      }) as App,
      debugPrints(),
    ),
  async (fetch) => {
    const html = await (await fetch('/')).text()
    expect(html.startsWith('<!DOCTYPE html><title>t</title><p>text<pre')).toBe(true)
    expect(printed(html)).toBe('end\n')
  },
)

matrix(
  'printed markup cannot break out of the box',
  () =>
    pipe(
      (() => {
        out.log('</pre><script>alert(1)</script><img src=x onerror=alert(2)>')
        return page('<body></body>')
      }) as App,
      debugPrints(),
    ),
  async (fetch) => {
    const html = await (await fetch('/')).text()
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<img')
    expect(printed(html)).toBe(
      '&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;\n',
    )
  },
)

matrix(
  'output made while an async app awaits, and while its streamed body is read, is captured',
  () =>
    pipe(
      (async () => {
        await sleep(5)
        out.log('after a timer')
        await Promise.resolve()
        const encoder = new TextEncoder()
        let step = 0
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            step++
            out.log(`chunk ${step}`)
            if (step === 1) controller.enqueue(encoder.encode('<body><p>one</p>'))
            else if (step === 2) controller.enqueue(encoder.encode('<p>two</p></body>'))
            else controller.close()
          },
        })
        return new Response(body, { headers: { 'content-type': 'text/html' } })
      }) as App,
      debugPrints(),
    ),
  async (fetch) => {
    const html = await (await fetch('/')).text()
    expect(printed(html)).toBe('after a timer\nchunk 1\nchunk 2\nchunk 3\n')
    expect(html.endsWith('<p>one</p><p>two</p></body>')).toBe(true)
  },
)

matrix(
  'responses that cannot take the output pass unchanged: JSON, HEAD, 304, 204, encoded',
  () =>
    pipe(
      ((request: Request) => {
        out.log('printed anyway')
        const path = new URL(request.url).pathname
        if (path === '/json') return Response.json({ ok: true })
        if (path === '/304') return new Response(null, { status: 304, headers: { etag: '"a"' } })
        if (path === '/204') return new Response(null, { status: 204 })
        if (path === '/gz')
          return new Response(new Uint8Array([31, 139, 8, 0]), {
            headers: { 'content-type': 'text/html', 'content-encoding': 'gzip' },
          })
        return page('<body>x</body>')
      }) as App,
      debugPrints(),
    ),
  async (fetch) => {
    expect(await (await fetch('/json')).json()).toEqual({ ok: true })
    const head = await fetch('/', { method: 'HEAD' })
    expect(head.headers.get('etag')).toBe('"v1"')
    expect((await fetch('/304')).status).toBe(304)
    expect((await fetch('/204')).status).toBe(204)
    const gz = await fetch('/gz')
    expect(gz.headers.get('content-encoding')).toBe('gzip')
  },
)

matrix(
  'a page printed nothing for is not touched (its ETag stays)',
  () => pipe((() => page('<body>quiet</body>')) as App, debugPrints()),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.headers.get('etag')).toBe('"v1"')
    expect(await response.text()).toBe('<body>quiet</body>')
  },
)

matrix(
  'forceContentType adds the output to any body',
  () =>
    pipe(
      (() => {
        out.log('forced')
        return new Response('<body>plain</body>', { headers: { 'content-type': 'text/plain' } })
      }) as App,
      debugPrints({ forceContentType: true }),
    ),
  async (fetch) => {
    expect(printed(await (await fetch('/')).text())).toBe('forced\n')
  },
)

matrix(
  'printControl: skip() leaves the page alone; listen() hears every later write',
  () =>
    pipe(
      ((request: Request, context) => {
        const control = printControl(context)!
        const heard: string[] = []
        control.listen((text) => heard.push(text))
        control.listen(() => {
          throw new Error('a broken listener breaks nothing')
        })
        out.log('one')
        out.log('two')
        if (new URL(request.url).pathname === '/skip') control.skip()
        return page(`<body>${heard.join('|').replaceAll('\n', '')}</body>`)
      }) as App,
      debugPrints(),
    ),
  async (fetch) => {
    expect(await (await fetch('/skip')).text()).toBe('<body>one|two</body>')
    expect(printed(await (await fetch('/')).text())).toBe('one\ntwo\n')
  },
)

matrix(
  'a page in a legacy charset is decoded, and re-sent as UTF-8 with the header saying so',
  () =>
    pipe(
      (() => {
        out.log('café')
        return new Response(
          new Uint8Array([
            ...Buffer.from('<body>', 'latin1'),
            0xe9,
            ...Buffer.from('</body>', 'latin1'),
          ]),
          {
            headers: { 'content-type': 'text/html; charset=ISO-8859-1' },
          },
        )
      }) as App,
      debugPrints(),
    ),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await response.text()
    expect(printed(html)).toBe('café\n')
    expect(html.endsWith('é</body>')).toBe(true)
  },
)

matrix(
  'a body that is not valid in its charset is sent byte for byte',
  () =>
    pipe(
      (() => {
        out.log('x')
        return new Response(new Uint8Array([0x3c, 0x62, 0x3e, 0xff, 0xfe, 0xc3]), {
          headers: { 'content-type': 'text/html; charset=utf-8' },
        })
      }) as App,
      debugPrints(),
    ),
  async (fetch) => {
    const bytes = new Uint8Array(await (await fetch('/')).arrayBuffer())
    expect([...bytes]).toEqual([0x3c, 0x62, 0x3e, 0xff, 0xfe, 0xc3])
  },
)

matrix(
  'a page over maxBodyBytes streams through unchanged, declared length or not',
  () =>
    pipe(
      ((request: Request) => {
        out.log('big')
        const html = `<body>${'x'.repeat(5000)}</body>`
        if (new URL(request.url).pathname === '/declared') return page(html)
        const bytes = new TextEncoder().encode(html)
        return new Response(
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < bytes.length; i += 1000)
                controller.enqueue(bytes.slice(i, i + 1000))
              controller.close()
            },
          }),
          { headers: { 'content-type': 'text/html' } },
        )
      }) as App,
      debugPrints({ maxBodyBytes: 2048 }),
    ),
  async (fetch) => {
    for (const path of ['/declared', '/stream']) {
      const html = await (await fetch(path)).text()
      expect(html).toBe(`<body>${'x'.repeat(5000)}</body>`)
    }
  },
)

matrix(
  'output past maxOutputChars is cut at a write boundary, with a note',
  () =>
    pipe(
      (() => {
        for (let i = 0; i < 100; i++) out.log(`line ${i} ${'.'.repeat(40)}`)
        return page('<body></body>')
      }) as App,
      debugPrints({ maxOutputChars: 500 }),
    ),
  async (fetch) => {
    const text = printed(await (await fetch('/')).text())!
    const lines = text.split('\n')
    expect(lines[0]).toBe(`line 0 ${'.'.repeat(40)}`)
    expect(text.length).toBeLessThan(600)
    expect(text).toMatch(/\[\.\.\. \d+ more characters printed to the console\]/)
  },
)

describe('concurrent requests through a real server', () => {
  test('each page shows only its own request output', async () => {
    const app: App = async (request) => {
      const id = new URL(request.url).searchParams.get('id')!
      for (let i = 0; i < 3; i++) {
        out.log(`request ${id} step ${i}`)
        await sleep(Math.random() * 10)
      }
      return page('<body></body>')
    }
    const server = await startServer(pipe(app, debugPrints()))
    try {
      const ids = Array.from({ length: 20 }, (_, i) => String(i))
      const pages = await Promise.all(
        ids.map(async (id) => printed(await (await server.fetch(`/?id=${id}`)).text())),
      )
      expect(pages).toEqual(
        ids.map((id) => `request ${id} step 0\nrequest ${id} step 1\nrequest ${id} step 2\n`),
      )
    } finally {
      await server.close()
    }
  })
})

test('options are checked', () => {
  expect(() => debugPrints({ maxOutputChars: -1 })).toThrow(/maxOutputChars/)
  expect(() => debugPrints({ maxBodyBytes: 1.5 })).toThrow(/maxBodyBytes/)
})
