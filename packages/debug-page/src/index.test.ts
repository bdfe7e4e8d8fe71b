import type { App } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { insertionPoint, isRewritablePage, rewritePage } from './index.js'

const insertAt = (html: string, at: 'body-start' | 'body-end', placeholderId?: string) => {
  const { offset, inPlaceholder } = insertionPoint(html, { at, placeholderId })
  return `${html.slice(0, offset)}[HERE${inPlaceholder ? ':placeholder' : ''}]${html.slice(offset)}`
}

describe('insertionPoint', () => {
  test('just after <body ...>, or just before </body>', () => {
    const html = '<html><head></head><body class="a"><p>x</p></body></html>'
    expect(insertAt(html, 'body-start')).toBe(
      '<html><head></head><body class="a">[HERE]<p>x</p></body></html>',
    )
    expect(insertAt(html, 'body-end')).toBe(
      '<html><head></head><body class="a"><p>x</p>[HERE]</body></html>',
    )
  })

  test('inside the placeholder element, whatever its tag, before any body position', () => {
    const html = '<body><main></main><div id="slot" class="x"></div></body>'
    expect(insertAt(html, 'body-start', 'slot')).toBe(
      '<body><main></main><div id="slot" class="x">[HERE:placeholder]</div></body>',
    )
    expect(insertAt(html, 'body-end', 'elsewhere')).toBe(
      '<body><main></main><div id="slot" class="x"></div>[HERE]</body>',
    )
  })

  test('decoys in comments, scripts, styles, attributes and text are not tags', () => {
    const html =
      '<head><!-- <body> </body> --><script>"<body>"; "</body>"</script><style>/* <body> */</style>' +
      '<meta content="<body>"></head><body id="real"><textarea><div id="slot"></div></textarea>x</body>'
    expect(insertAt(html, 'body-start', 'slot')).toContain('<body id="real">[HERE]<textarea>')
    expect(insertAt(html, 'body-end')).toContain('x[HERE]</body>')
  })

  test('without <body>, at the end: never before the doctype', () => {
    expect(insertAt('<!DOCTYPE html><title>t</title><p>text', 'body-start')).toBe(
      '<!DOCTYPE html><title>t</title><p>text[HERE]',
    )
    expect(insertAt('', 'body-end')).toBe('[HERE]')
  })

  test('property: any text gets an offset within it, on a character boundary', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (html) => {
        for (const at of ['body-start', 'body-end'] as const) {
          const { offset } = insertionPoint(html, { at, placeholderId: 'p' })
          expect(offset).toBeGreaterThanOrEqual(0)
          expect(offset).toBeLessThanOrEqual(html.length)
          const code = html.charCodeAt(offset - 1)
          expect(code >= 0xd800 && code <= 0xdbff).toBe(false) // not inside a surrogate pair
        }
      }),
      { numRuns: 300 },
    )
  })
})

const page = (
  body: ConstructorParameters<typeof Response>[0],
  headers: Record<string, string> = {},
  status = 200,
) =>
  new Response(body, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', etag: '"1"', ...headers },
  })

function rewriting(make: (request: Request) => Response, options = {}): App {
  return async (request) =>
    rewritePage(
      request,
      make(request),
      (html) => html.replace('</body>', '<i>added</i></body>'),
      options,
    )
}

matrix(
  'a page is rewritten: new length, no old validators, no-store',
  () => rewriting(() => page('<body>x</body>', { 'content-md5': 'abc', digest: 'sha-256=x' })),
  async (fetch) => {
    const response = await fetch('/')
    const html = await response.text()
    expect(html).toBe('<body>x<i>added</i></body>')
    expect(response.headers.get('content-length')).toBe(String(html.length))
    expect(response.headers.get('etag')).toBeNull()
    expect(response.headers.get('content-md5')).toBeNull()
    expect(response.headers.get('digest')).toBeNull()
    expect(response.headers.get('cache-control')).toBe('no-store')
  },
)

matrix(
  'what cannot be rewritten safely passes byte for byte',
  () =>
    rewriting(
      (request) => {
        const path = new URL(request.url).pathname
        if (path === '/json') return Response.json({ a: '</body>' })
        if (path === '/gz')
          return page(new Uint8Array([1, 2, 3]), { 'content-encoding': 'compress' })
        if (path === '/304') return page(null, {}, 304)
        if (path === '/bad') return page(new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]))
        if (path === '/charset')
          return page('<body></body>', { 'content-type': 'text/html; charset=x-unknown' })
        if (path === '/big') return page(`<body>${'x'.repeat(3000)}</body>`)
        if (path === '/big-stream') {
          const bytes = new TextEncoder().encode(`<body>${'y'.repeat(3000)}</body>`)
          return new Response(
            new ReadableStream({
              start(controller) {
                for (let i = 0; i < bytes.length; i += 500)
                  controller.enqueue(bytes.slice(i, i + 500))
                controller.close()
              },
            }),
            { headers: { 'content-type': 'text/html' } },
          )
        }
        return page('<body></body>')
      },
      { maxBodyBytes: 1024 },
    ),
  async (fetch) => {
    expect(await (await fetch('/json')).json()).toEqual({ a: '</body>' })
    const gz = await fetch('/gz')
    expect([...new Uint8Array(await gz.arrayBuffer())]).toEqual([1, 2, 3])
    expect((await fetch('/304')).status).toBe(304)
    expect([...new Uint8Array(await (await fetch('/bad')).arrayBuffer())]).toEqual([
      0x3c, 0xff, 0xfe, 0x3e,
    ])
    expect(await (await fetch('/charset')).text()).toBe('<body></body>')
    expect(await (await fetch('/big')).text()).toBe(`<body>${'x'.repeat(3000)}</body>`)
    expect(await (await fetch('/big-stream')).text()).toBe(`<body>${'y'.repeat(3000)}</body>`)
    const head = await fetch('/', { method: 'HEAD' })
    expect(head.headers.get('etag')).toBe('"1"')
  },
)

matrix(
  'a legacy charset is decoded and the page re-sent as UTF-8, saying so',
  () =>
    rewriting(() =>
      page(
        new Uint8Array([...Buffer.from('<body>caf', 'latin1'), 0xe9, ...Buffer.from('</body>')]),
        {
          'content-type': 'text/html; charset=windows-1252',
        },
      ),
    ),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await response.text()).toBe('<body>café<i>added</i></body>')
  },
)

test('isRewritablePage decides on headers alone; forceContentType widens it', () => {
  const get = new Request('http://x/')
  expect(isRewritablePage(get, page('<b>'))).toBe(true)
  expect(isRewritablePage(new Request('http://x/', { method: 'HEAD' }), page('<b>'))).toBe(false)
  const text = new Response('x', { headers: { 'content-type': 'text/plain' } })
  expect(isRewritablePage(get, text)).toBe(false)
  expect(isRewritablePage(get, text, { forceContentType: true })).toBe(true)
  expect(isRewritablePage(get, page('x', { 'content-type': 'application/xhtml+xml' }))).toBe(true)
  expect(isRewritablePage(get, page('x', { 'content-type': 'text/htmlx' }))).toBe(false)
})

test('the edit is not called for a page left alone; bad options are refused', async () => {
  let calls = 0
  const edit = (html: string) => {
    calls++
    return html
  }
  await rewritePage(new Request('http://x/'), Response.json({}), edit)
  expect(calls).toBe(0)
  await expect(
    rewritePage(new Request('http://x/'), page('x'), edit, { maxBodyBytes: -1 }),
  ).rejects.toThrow(/maxBodyBytes/)
})
