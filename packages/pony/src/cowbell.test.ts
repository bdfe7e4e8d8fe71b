import { gzipSync } from 'node:zlib'
import { type App, pipe } from '@paste/core'
import { urlMap } from '@paste/urlmap'
import { curl, matrix, startServer } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { COWBELL_JS, COWBELL_SVG } from './assets.js'
import { cowbell } from './cowbell.js'

const TAG = '<script src="/.cowbell/cowbell.js" defer="defer"></script>'
const PAGE = '<!doctype html><html><head><title>t</title></head><body><p>hello</p></body></html>'

const html = (
  body: string,
  type = 'text/html; charset=utf-8',
  extra: Record<string, string> = {},
): App =>
  function page(request: Request) {
    const headers = { 'content-type': type, ...extra }
    return new Response(request.method === 'HEAD' ? null : body, { headers })
  }

matrix(
  'cowbell adds its script at the end of the body',
  () => pipe(html(PAGE), cowbell()),
  async (fetch) => {
    const response = await fetch('/')
    const text = await response.text()
    // Paste's insert_body dropped the </body> tag it found; it stays here
    expect(text).toBe(PAGE.replace('</body>', `${TAG}</body>`))
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)))
    expect(response.headers.get('cache-control')).toBe('no-store')
  },
)

matrix(
  'cowbell finds the real body, not one in a comment or a script',
  () =>
    pipe(
      html('<html><body><!-- </body> --><script>"</body>"</script><p>x</p></body></html>'),
      cowbell(),
    ),
  async (fetch) => {
    const text = await (await fetch('/')).text()
    expect(text).toBe(
      `<html><body><!-- </body> --><script>"</body>"</script><p>x</p>${TAG}</body></html>`,
    )
  },
)

matrix(
  'a page without a body tag gets it at the end',
  () => pipe(html('<p>bare'), cowbell()),
  async (fetch) => {
    expect(await (await fetch('/')).text()).toBe(`<p>bare${TAG}`)
  },
)

matrix(
  'cowbell serves its own image and script',
  () => pipe(html(PAGE), cowbell()),
  async (fetch) => {
    const svg = await fetch('/.cowbell/cowbell.svg')
    expect(svg.status).toBe(200)
    expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8')
    expect(svg.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'",
    )
    expect(svg.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await svg.text()).toBe(COWBELL_SVG)
    const js = await fetch('/.cowbell/cowbell.js')
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const script = await js.text()
    expect(script).toBe(COWBELL_JS)
    // nothing from another host: the image is found next to the script
    expect(script).not.toMatch(/https?:/)
    expect(COWBELL_SVG).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg")/)
  },
)

matrix(
  'the reserved path is cowbell’s alone',
  () => pipe(html(PAGE), cowbell()),
  async (fetch) => {
    for (const path of [
      '/.cowbell',
      '/.cowbell/',
      '/.cowbell/x.png',
      '/.cowbell/cowbell.svg/x',
      '/.cowbell/constructor',
      '/.cowbell/__proto__',
    ]) {
      const response = await fetch(path)
      expect(response.status, path).toBe(404)
      expect(await response.text()).toBe('Not Found\n')
    }
    const post = await fetch('/.cowbell/cowbell.js', { method: 'POST', body: 'x' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  },
)

matrix(
  'HEAD of an asset: headers alone',
  () => pipe(html(PAGE), cowbell()),
  async (fetch) => {
    const head = await fetch('/.cowbell/cowbell.svg', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(COWBELL_SVG)))
    expect(await head.text()).toBe('')
  },
)

matrix(
  'HEAD of a page is not rewritten, and claims no stale length',
  () => pipe(html(PAGE, 'text/html', { 'content-length': String(PAGE.length) }), cowbell()),
  async (fetch) => {
    const head = await fetch('/', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    // the GET's length is the page's plus the script tag: no length beats a wrong one
    expect(head.headers.get('content-length')).toBeNull()
    expect(head.headers.get('content-type')).toBe('text/html')
  },
)

matrix(
  'pages that are not HTML are left alone, byte for byte',
  () =>
    pipe(
      urlMap({
        '/json': html('{"body":"</body>"}', 'application/json'),
        '/text': html('</body>', 'text/plain'),
        '/none': () => new Response(PAGE, { headers: { 'content-type': '' } }),
        '/gz': () =>
          new Response(gzipSync(PAGE), {
            headers: { 'content-type': 'text/html', 'content-encoding': 'gzip' },
          }),
        '/204': () => new Response(null, { status: 204 }),
        '/bad-utf8': () =>
          new Response(new Uint8Array([60, 98, 62, 0xff, 0xfe, 60, 47, 98, 62]), {
            headers: { 'content-type': 'text/html; charset=utf-8' },
          }),
        '/unknown-charset': html('<body></body>', 'text/html; charset=x-klingon'),
      }),
      cowbell(),
    ),
  async (fetch) => {
    expect(await (await fetch('/json')).text()).toBe('{"body":"</body>"}')
    expect(await (await fetch('/text')).text()).toBe('</body>')
    expect(await (await fetch('/none')).text()).toBe(PAGE)
    expect((await fetch('/204')).status).toBe(204)
    const bad = new Uint8Array(await (await fetch('/bad-utf8')).arrayBuffer())
    expect([...bad]).toEqual([60, 98, 62, 0xff, 0xfe, 60, 47, 98, 62])
    expect(await (await fetch('/unknown-charset')).text()).toBe('<body></body>')
  },
)

{
  const cowbelled = () =>
    pipe(
      urlMap({
        '/gz': () =>
          new Response(gzipSync(PAGE), {
            headers: { 'content-type': 'text/html', 'content-encoding': 'gzip' },
          }),
        '/big': html(`<html><body>${'x'.repeat(2000)}</body></html>`),
      }),
      cowbell({ maxBodyBytes: 1000 }),
    )
  matrix('compressed or oversized pages pass unchanged', cowbelled, async (fetch, transport) => {
    const big = await (await fetch('/big')).text()
    expect(big).toBe(`<html><body>${'x'.repeat(2000)}</body></html>`)
    const gz = await fetch('/gz', { headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    // fetch over the network decodes gzip; in process the bytes are as the app gave them
    const text =
      transport === 'loopback'
        ? await gz.text()
        : new TextDecoder().decode(
            (await import('node:zlib')).gunzipSync(Buffer.from(await gz.arrayBuffer())),
          )
    expect(text).toBe(PAGE)
  })
}

matrix(
  'the script follows the mount point, escaped',
  () => urlMap({ "/it's": pipe(html(PAGE), cowbell()) }),
  async (fetch) => {
    const text = await (await fetch("/it's/")).text()
    expect(text).toContain(
      '<script src="/it&#39;s/.cowbell/cowbell.js" defer="defer"></script></body>',
    )
    expect((await fetch("/it's/.cowbell/cowbell.js")).status).toBe(200)
  },
)

matrix(
  'cowbell twice rings once, and another reserved path works',
  () => pipe(html(PAGE), cowbell({ path: '/bell' }), cowbell({ path: '/bell' })),
  async (fetch) => {
    const text = await (await fetch('/')).text()
    expect(text.split('/bell/cowbell.js').length).toBe(2)
    expect((await fetch('/bell/cowbell.svg')).status).toBe(200)
  },
)

matrix(
  'an XHTML page stays well formed',
  () =>
    pipe(
      html(
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p/></body></html>',
        'application/xhtml+xml',
      ),
      cowbell(),
    ),
  async (fetch) => {
    const text = await (await fetch('/')).text()
    expect(text).toContain(`<p/>${TAG}</body>`)
  },
)

describe('cowbell', () => {
  test('refuses bad options with a TypeError naming the package', () => {
    expect(() => cowbell({ path: '.cowbell' })).toThrow(/@paste\/pony: path must be/)
    expect(() => cowbell({ path: '/../x' })).toThrow(TypeError)
    expect(() => cowbell({ maxBodyBytes: -1 })).toThrow(/@paste\/pony: maxBodyBytes/)
  })

  test('a real server and curl: page, image, and a text file untouched', async () => {
    const app = pipe(
      urlMap({ '/': html(PAGE), '/file.txt': html('plain </body>', 'text/plain') }),
      cowbell(),
    )
    const server = await startServer(app)
    try {
      const page = await curl([`${server.url}/`])
      expect(page.stdout.toString()).toBe(PAGE.replace('</body>', `${TAG}</body>`))
      const svg = await curl([`${server.url}/.cowbell/cowbell.svg`])
      expect(svg.stdout.toString()).toBe(COWBELL_SVG)
      const text = await curl([`${server.url}/file.txt`])
      expect(text.stdout.toString()).toBe('plain </body>')
    } finally {
      await server.close()
    }
  })
})
