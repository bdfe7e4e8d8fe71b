import { type App, createContext, HTTP_ERROR, isHttpError } from '@paste/core'
import { serve } from '@paste/httpserver'
import { matrix } from '@paste-tooling/testing'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { evalException } from './index.js'

function total(items: number[]): number {
  let sum = 0
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    if (item < 0) throw new RangeError(`negative item <b>${item}</b> at ${i}`)
    sum += item
  }
  return sum
}

const syncApp: App = function syncApp() {
  const label = '<script>alert("local")</script>'
  return new Response(`${label}${total([1, 2, -3, 4])}`)
}

async function load(name: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 1))
  const attempts = 3
  return Promise.reject(new Error(`cannot load ${name} after ${attempts} attempts`))
}

const asyncApp: App = async function asyncApp() {
  return new Response(await load('config'))
}

const hostileApp: App = function hostileApp() {
  throw new Error('<script>alert("message")</script>', {
    cause: new TypeError('inner </pre><img src=x onerror=alert(1)>'),
  })
}

/** The page's id and token, and the console frame ("e:f") of the first frame named `fn`. */
function consoleOf(html: string, fn: string): { id: string; token: string; frame: string } {
  const id = /data-id="([^"]+)"/.exec(html)?.[1]
  const token = /data-token="([^"]+)"/.exec(html)?.[1]
  const chunk = html
    .split('<li')
    .find((li) => li.includes(`<code class="fn">${fn}</code>`) && li.includes('data-frame='))
  const frame = chunk && /data-frame="(\d+:\d+)"/.exec(chunk)?.[1]
  if (!id || !token || !frame) throw new Error(`no console for ${fn} in page`)
  return { id, token, frame }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>

async function run(
  fetch: Fetch,
  c: { id: string; token: string; frame: string },
  expr: string,
  extra: Record<string, string> = {},
) {
  const body = new URLSearchParams({ ...c, expr, ...extra })
  return fetch('/_debug/eval', { method: 'POST', body })
}

matrix(
  'a synchronous throw gives the page with locals captured at the throw',
  () => evalException()(syncApp),
  async (fetch) => {
    const response = await fetch('/items?x=1')
    expect(response.status).toBe(500)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^']+'/)
    const html = await response.text()
    expect(html).toContain('RangeError: negative item &lt;b&gt;-3&lt;/b&gt; at 2')
    expect(html).toContain('<code class="fn">total</code>')
    // the loop variable and the item as they were when the throw happened
    const totalFrame = html.split('<li').find((li) => li.includes('<code class="fn">total</code>'))!
    expect(totalFrame).toMatch(/<th>i<\/th><td><code>2<\/code>/)
    expect(totalFrame).toMatch(/<th>sum<\/th><td><code>3<\/code>/)
    expect(totalFrame).toContain('<table class="source">')
    // a hostile string local is escaped, never markup
    expect(html).not.toContain('<script>alert')
    expect(html).toContain('&lt;script&gt;alert(&quot;local&quot;)&lt;/script&gt;')
  },
)

matrix(
  "a rejected promise gives the page, with the rejecting frame's locals",
  () => evalException()(asyncApp),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.status).toBe(500)
    const html = await response.text()
    expect(html).toContain('Error: cannot load config after 3 attempts')
    const c = consoleOf(html, 'load')
    const result = await run(fetch, c, "name + ':' + attempts")
    expect(await result.text()).toBe("'config:3'\n")
  },
)

matrix(
  'hostile messages and causes are escaped; the cause chain is shown',
  () => evalException()(hostileApp),
  async (fetch) => {
    const html = await (await fetch('/')).text()
    expect(html).not.toMatch(/<script>alert|<img src=x/)
    expect(html).toContain('Error: &lt;script&gt;alert(&quot;message&quot;)&lt;/script&gt;')
    expect(html).toContain(
      '<small>Caused by</small> TypeError: inner &lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;',
    )
    // the only script is the page's own, with the CSP nonce
    expect(html.match(/<script/g)?.length).toBe(1)
    expect(html).toMatch(/<script nonce="[A-Za-z0-9_-]+">/)
  },
)

matrix(
  'the console evaluates in the frame: captured locals, helpers, assignments, errors',
  () => evalException({ timeout: 200 })(syncApp),
  async (fetch) => {
    const html = await (await fetch('/here')).text()
    const c = consoleOf(html, 'total')
    const answer = async (expr: string) => {
      const response = await run(fetch, c, expr)
      expect(response.status).toBe(200)
      return [response.headers.get('x-evalexception-outcome'), await response.text()]
    }
    expect(await answer('i')).toEqual(['value', '2\n'])
    expect(await answer('items.slice(0, i + 1)')).toEqual(['value', '[ 1, 2, -3 ]\n'])
    expect(await answer('error instanceof RangeError ? "range" : error.name')).toEqual([
      'value',
      "'RangeError'\n",
    ])
    expect(await answer('new URL(request.url).pathname')).toEqual(['value', "'/here'\n"])
    expect(await answer('typeof process + typeof require')).toEqual([
      'value',
      "'undefinedundefined'\n",
    ])
    expect(await answer('context.pathInfo')).toEqual(['value', "'/here'\n"])
    // assignments persist between evaluations in the same frame
    expect(await answer('doubled = sum * 2')).toEqual(['value', '6\n'])
    expect(await answer('doubled + 1')).toEqual(['value', '7\n'])
    const [outcome, thrown] = await answer('nope.x')
    expect(outcome).toBe('error')
    expect(thrown).toContain('ReferenceError: nope is not defined')
    const [, looped] = await answer('while (true) {}')
    expect(looped).toMatch(/timed out/)
    const [, pending] = await answer('new Promise(() => {})')
    expect(pending).toContain('promise not settled after 200 ms')
    // a hostile value comes back as text/plain, inspected
    const hostile = await run(fetch, c, '"<script>x</script>"')
    expect(hostile.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(hostile.headers.get('x-content-type-options')).toBe('nosniff')
  },
)

matrix(
  'evaluation results are size-limited',
  () => evalException({ maxResultChars: 100 })(syncApp),
  async (fetch) => {
    const c = consoleOf(await (await fetch('/')).text(), 'total')
    const text = await (await run(fetch, c, '"x".repeat(5000)')).text()
    expect(text.length).toBeLessThan(200)
    expect(text).toMatch(/more characters\)\n$/)
  },
)

matrix(
  'evaluation checks: method, fields, id, token, frame, body size, cross-site',
  () => evalException({ maxBodyBytes: 1024 })(syncApp),
  async (fetch) => {
    const c = consoleOf(await (await fetch('/')).text(), 'total')
    expect((await fetch('/_debug/eval')).status).toBe(405)
    expect(
      (await fetch('/_debug/eval', { method: 'POST', body: new URLSearchParams({ id: c.id }) }))
        .status,
    ).toBe(400)
    expect((await run(fetch, { ...c, id: 'A'.repeat(24) }, 'i')).status).toBe(404)
    const last = c.token.at(-1) === 'x' ? 'y' : 'x'
    expect((await run(fetch, { ...c, token: `${c.token.slice(0, -1)}${last}` }, 'i')).status).toBe(
      403,
    )
    expect((await run(fetch, { ...c, token: '' }, 'i')).status).toBe(403)
    expect((await run(fetch, { ...c, frame: '0:999' }, 'i')).status).toBe(404)
    expect((await run(fetch, { ...c, frame: '7:0' }, 'i')).status).toBe(404)
    expect((await run(fetch, { ...c, frame: 'zero' }, 'i')).status).toBe(404)
    expect((await run(fetch, c, '   ')).status).toBe(400)
    expect((await run(fetch, c, 'x'.repeat(2000))).status).toBe(413)
    const json = await fetch('/_debug/eval', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(json.status).toBe(415)
    const cross = await fetch('/_debug/eval', {
      method: 'POST',
      headers: { 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ ...c, expr: 'i' }),
    })
    expect(cross.status).toBe(403)
    // the checks run before anything is evaluated: the right request still works
    expect(await (await run(fetch, c, 'i')).text()).toBe('2\n')
  },
)

matrix(
  'a stored page can be viewed again under the reserved path',
  () => evalException()(syncApp),
  async (fetch) => {
    const c = consoleOf(await (await fetch('/')).text(), 'total')
    const view = await fetch(`/_debug/view/${c.id}`)
    expect(view.status).toBe(200)
    expect(await view.text()).toContain(`data-id="${c.id}"`)
    expect((await fetch('/_debug/view/unknown')).status).toBe(404)
  },
)

matrix(
  'non-loopback clients get no locals, no token and no console',
  () => evalException()(syncApp),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.status).toBe(500)
    const html = await response.text()
    expect(html).toContain('RangeError')
    // (the page quotes this file's source, escaped: look for markup, not words)
    for (const leak of [' data-token="', ' data-frame="', '<th>sum</th>', '<script'])
      expect(html).not.toContain(leak)
    const forged = await fetch('/_debug/eval', {
      method: 'POST',
      body: new URLSearchParams({ id: 'x', token: 'y', frame: '0:0', expr: '1' }),
    })
    expect(forged.status).toBe(403)
  },
  { only: 'in-process', remoteAddress: '203.0.113.9' },
)

matrix(
  'allowFrom widens who may evaluate',
  () => evalException({ allowFrom: ['203.0.113.0/24'] })(syncApp),
  async (fetch) => {
    const c = consoleOf(await (await fetch('/')).text(), 'total')
    expect(await (await run(fetch, c, 'i')).text()).toBe('2\n')
  },
  { only: 'in-process', remoteAddress: '203.0.113.9' },
)

test('DNS rebinding: an unknown Host name gets no console and cannot evaluate', async () => {
  const app = evalException()(syncApp)
  const call = async (host: string, init?: RequestInit, path = '/') => {
    const request = new Request(`http://${host}${path}`, init)
    return app(request, createContext(request, { remoteAddress: '127.0.0.1' }))
  }
  const c = consoleOf(await (await call('localhost:8080')).text(), 'total')
  const rebound = await (await call('evil.example')).text()
  expect(rebound).not.toContain(' data-token="')
  const post = (host: string) =>
    call(host, { method: 'POST', body: new URLSearchParams({ ...c, expr: 'i' }) }, '/_debug/eval')
  expect((await post('evil.example')).status).toBe(403)
  expect((await call('evil.example', undefined, `/_debug/view/${c.id}`)).status).toBe(404)
  expect(await (await post('127.0.0.1:8080')).text()).toBe('2\n')
  expect(await (await post('[::1]:8080')).text()).toBe('2\n')
  expect(await (await post('app.localhost')).text()).toBe('2\n')
  const named = evalException({ allowedHosts: ['Dev.Box'] })(syncApp)
  const request = new Request('http://dev.box/')
  const page = await named(request, createContext(request, { remoteAddress: '127.0.0.1' }))
  expect(await page.text()).toContain(' data-token="')
})

matrix(
  'mounted below a scriptName, the page posts to the console under it',
  () => evalException({ path: '/__console' })(syncApp),
  async (fetch) => {
    const html = await (await fetch('/app/items')).text()
    expect(html).toContain('data-eval-url="/app/__console/eval"')
    const c = consoleOf(html, 'total')
    const answer = await fetch('/app/__console/eval', {
      method: 'POST',
      body: new URLSearchParams({ ...c, expr: 'context.scriptName + context.pathInfo' }),
    })
    expect(await answer.text()).toBe("'/app/items'\n")
  },
  { scriptName: '/app' },
)

matrix(
  'successful responses pass through untouched',
  () => evalException()(() => new Response('ok', { headers: { 'x-app': '1' } })),
  async (fetch) => {
    const response = await fetch('/')
    expect(response.status).toBe(200)
    expect(response.headers.get('x-app')).toBe('1')
    expect(await response.text()).toBe('ok')
  },
)

describe('evalException', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  test('disabled, it returns the app itself: errors pass through untouched', async () => {
    const error = new Error('untouched')
    const app: App = () => {
      throw error
    }
    expect(evalException({ enabled: false })(app)).toBe(app)
    const request = new Request('http://localhost/')
    expect(() => evalException({ enabled: false })(app)(request, createContext(request))).toThrow(
      error,
    )
  })

  test('production: off by default, refuses enabled: true without allowInProduction', () => {
    vi.stubEnv('NODE_ENV', 'production')
    const app: App = () => new Response('x')
    expect(evalException()(app)).toBe(app)
    expect(() => evalException({ enabled: true })).toThrow(
      /@paste\/evalexception: refusing to enable in production/,
    )
    expect(evalException({ enabled: true, allowInProduction: true })(app)).not.toBe(app)
  })

  test('bad options throw a TypeError naming the package', () => {
    const bad = [
      { enabled: 'true' },
      { maxIncidents: 0 },
      { ttl: -1 },
      { timeout: 1.5 },
      { path: '_debug' },
      { path: '/_debug/' },
      { allowFrom: ['not-an-address'] },
      { allowFrom: '127.0.0.1' },
      { captureLocals: 1 },
      { allowedHosts: 'localhost' },
    ]
    for (const options of bad)
      expect(() => evalException(options as never), JSON.stringify(options)).toThrow(
        /^@paste\/evalexception: /,
      )
  })

  test('an HTTP error thrown by the app is rethrown, not rendered', async () => {
    const httpError = Object.assign(new Error('Not Found'), {
      [HTTP_ERROR]: true,
      status: 404,
      expose: true,
      toResponse: () => new Response('nf', { status: 404 }),
    })
    expect(isHttpError(httpError)).toBe(true)
    const app: App = () => {
      throw httpError
    }
    const request = new Request('http://localhost/')
    await expect(
      evalException()(app)(request, createContext(request, { remoteAddress: '127.0.0.1' })),
    ).rejects.toBe(httpError)
  })

  test('only the most recent maxIncidents are kept: older ids answer 404', async () => {
    const app = evalException({ maxIncidents: 1 })(syncApp)
    const call = async (init?: RequestInit, path = '/') => {
      const request = new Request(`http://localhost${path}`, init)
      return app(request, createContext(request, { remoteAddress: '127.0.0.1' }))
    }
    const first = consoleOf(await (await call()).text(), 'total')
    const second = consoleOf(await (await call()).text(), 'total')
    expect(first.id).not.toBe(second.id)
    expect(first.token).not.toBe(second.token)
    const ask = (c: typeof first) =>
      call({ method: 'POST', body: new URLSearchParams({ ...c, expr: 'i' }) }, '/_debug/eval')
    expect((await ask(first)).status).toBe(404)
    expect((await ask(second)).status).toBe(200)
  })

  test('every refusal and evaluation is logged', async () => {
    const lines: string[] = []
    const log = (message: string) => void lines.push(message)
    const logger = { error: log, warn: log, info: log, debug: log }
    const app = evalException()(syncApp)
    const call = async (init?: RequestInit, path = '/') => {
      const request = new Request(`http://localhost${path}`, init)
      return app(request, createContext(request, { remoteAddress: '127.0.0.1', logger }))
    }
    const c = consoleOf(await (await call()).text(), 'total')
    await call(
      { method: 'POST', body: new URLSearchParams({ ...c, token: 'bad', expr: 'i' }) },
      '/_debug/eval',
    )
    await call({ method: 'POST', body: new URLSearchParams({ ...c, expr: 'i' }) }, '/_debug/eval')
    expect(lines).toEqual([
      '@paste/evalexception: RangeError: negative item <b>-3</b> at 2',
      '@paste/evalexception: evaluation refused: wrong token',
      '@paste/evalexception: evaluating',
    ])
  })
})

test('through @paste/httpserver with a real client', async () => {
  const server = await serve(evalException()(asyncApp), { port: 0, host: '127.0.0.1' })
  try {
    const page = await fetch(new URL('/boom', server.url))
    expect(page.status).toBe(500)
    const c = consoleOf(await page.text(), 'load')
    const answer = await fetch(new URL('/_debug/eval', server.url), {
      method: 'POST',
      body: new URLSearchParams({ ...c, expr: 'name.toUpperCase()' }),
    })
    expect(answer.status).toBe(200)
    expect(await answer.text()).toBe("'CONFIG'\n")
    const forged = await fetch(new URL('/_debug/eval', server.url), {
      method: 'POST',
      body: new URLSearchParams({ ...c, token: 'x', expr: '1' }),
    })
    expect(forged.status).toBe(403)
  } finally {
    await server.close()
  }
})
