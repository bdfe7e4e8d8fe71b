import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type App, pipe } from '@paste/core'
import { inProcessFetch, matrix, startServer } from '@paste-tooling/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { debugProfile, profiled, summarize } from './index.js'

const dir = mkdtempSync(join(tmpdir(), 'paste-profile-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// named functions the profiles must show, each burning CPU for about `ms`
// (the clock is read once per 100k steps, so the time is the function's own). V8 may inline
// one into its caller, and then the profile shows the time under the caller: the tests
// accept either name, and give each caller its own.
function burnAlpha(ms: number): number {
  let x = 0
  for (const until = performance.now() + ms; performance.now() < until; )
    for (let i = 0; i < 100_000; i++) x = (x * 31 + i) % 1_000_003
  return x
}
function burnBravo(ms: number): number {
  let x = 1
  for (const until = performance.now() + ms; performance.now() < until; )
    for (let i = 0; i < 100_000; i++) x = (x * 17 + i) % 999_983
  return x
}

const html = (body = '<p>done</p>') =>
  new Response(`<!doctype html><html><body>${body}</body></html>`, {
    headers: { 'content-type': 'text/html; charset=utf-8' },
  })
const REPORT = /<pre id="paste-debug-profile"[^>]*>([\s\S]*?)<\/pre>/

/** The report's function rows: name -> self ms. */
function rows(page: string): Map<string, number> {
  const report = REPORT.exec(page)?.[1] ?? ''
  const table = report.split('\n\n')[1] ?? ''
  const out = new Map<string, number>()
  for (const line of table.split('\n').slice(1)) {
    const m = /^\s*([\d.]+)\s+\S+\s+([\d.]+)\s+\S+\s+(\S+)/.exec(line)
    if (m) out.set(m[3]!, Number(m[1]))
  }
  return out
}

matrix(
  'an HTML page ends with its request profile: the busy function first, with its location',
  () => {
    function alphaApp() {
      burnAlpha(40)
      return html()
    }
    return pipe(alphaApp as App, debugProfile({ limit: 10 }))
  },
  async (fetch) => {
    const response = await fetch('/report?x=1')
    const page = await response.text()
    expect(page.indexOf('<pre id="paste-debug-profile"')).toBe(
      page.indexOf('<p>done</p>') + '<p>done</p>'.length,
    )
    expect(page.endsWith('</pre></body></html>')).toBe(true)
    const report = REPORT.exec(page)![1]!
    expect(report).toContain('Profile of GET /report:')
    const table = rows(page)
    expect(table.size).toBeLessThanOrEqual(10)
    const [top, self] = [...table][0]!
    expect(['burnAlpha', 'alphaApp']).toContain(top)
    expect(self).toBeGreaterThan(10)
    expect(report).toMatch(new RegExp(`${top} \\(src/index\\.test\\.ts:\\d+\\)`))
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(page)))
  },
  { timeout: 30_000 },
)

test('concurrent requests are profiled one at a time: each report shows only its own work', async () => {
  // each request waits on a timer halfway: without the lock the other request's work would
  // run inside this one's profile
  async function alphaApp() {
    burnAlpha(15)
    await new Promise((resolve) => setTimeout(resolve, 20))
    burnAlpha(15)
    return html()
  }
  async function bravoApp() {
    burnBravo(15)
    await new Promise((resolve) => setTimeout(resolve, 20))
    burnBravo(15)
    return html()
  }
  const app: App = (request) => (new URL(request.url).pathname === '/a' ? alphaApp() : bravoApp())
  const server = await startServer(pipe(app, debugProfile()))
  try {
    const pages = await Promise.all(
      ['/a', '/b', '/a', '/b'].map(async (path) => [path, await (await server.fetch(path)).text()]),
    )
    for (const [path, page] of pages) {
      const table = rows(page!)
      const alpha = ['burnAlpha', 'alphaApp']
      const bravo = ['burnBravo', 'bravoApp']
      const [mine, other] = path === '/a' ? [alpha, bravo] : [bravo, alpha]
      expect(mine.reduce((sum, name) => sum + (table.get(name) ?? 0), 0)).toBeGreaterThan(5)
      for (const name of other) expect(table.has(name)).toBe(false)
    }
  } finally {
    await server.close()
  }
}, 30_000)

test('saveTo writes every profile, HTML or not, under a name a request cannot steer', async () => {
  const saved = join(dir, 'profiles')
  const fetch = inProcessFetch(
    pipe(
      ((request: Request) => {
        burnBravo(10)
        return new URL(request.url).pathname.endsWith('.json') ? Response.json({ ok: 1 }) : html()
      }) as App,
      debugProfile({ saveTo: saved }),
    ),
  )
  expect(await (await fetch('/data.json')).json()).toEqual({ ok: 1 })
  await (await fetch('/..%2F..%2Fetc%2Fpasswd/<script>')).text()
  // an HTML page too large to take the report is still profiled and saved
  const tooLarge = inProcessFetch(
    pipe(
      (() => {
        burnBravo(10)
        return html('x'.repeat(5000))
      }) as App,
      debugProfile({ saveTo: saved, maxBodyBytes: 1000 }),
    ),
  )
  expect(await (await tooLarge('/big')).text()).not.toContain('paste-debug-profile')
  const files = readdirSync(saved)
  expect(files).toHaveLength(3)
  for (const file of files) {
    expect(file).toMatch(/^[\w-]+\.cpuprofile$/)
    const profile = JSON.parse(readFileSync(join(saved, file), 'utf8'))
    expect(Array.isArray(profile.nodes) && Array.isArray(profile.samples)).toBe(true)
    // the burn (under its own name, or inlined into the app) is there
    const busy = summarize(profile).functions.filter((f) =>
      f.location.startsWith('src/index.test.ts'),
    )
    expect(busy.reduce((sum, f) => sum + f.self, 0)).toBeGreaterThan(2000) // µs
  }
}, 30_000)

describe('what is left alone', () => {
  matrix(
    'non-HTML responses, HEAD and 304 pass unchanged',
    () =>
      pipe(
        ((request: Request) => {
          const path = new URL(request.url).pathname
          if (path === '/json') return Response.json({ a: 1 })
          if (path === '/304') return new Response(null, { status: 304 })
          return html()
        }) as App,
        debugProfile(),
      ),
    async (fetch) => {
      expect(await (await fetch('/json')).json()).toEqual({ a: 1 })
      expect((await fetch('/304')).status).toBe(304)
      const head = await fetch('/', { method: 'HEAD' })
      expect(head.status).toBe(200)
    },
  )

  test('an app that throws frees the profiler for the next request', async () => {
    let calls = 0
    const fetch = inProcessFetch(
      pipe(
        (() => {
          if (calls++ === 0) throw new Error('first call fails')
          return html()
        }) as App,
        debugProfile(),
      ),
    )
    await expect(fetch('/')).rejects.toThrow('first call fails')
    expect(await (await fetch('/')).text()).toContain('paste-debug-profile')
  })
})

test('profiled(fn) profiles each call and reports it (Paste profile_decorator)', async () => {
  const reports: string[] = []
  const work = profiled(
    async (ms: number) => {
      burnAlpha(ms)
      return 'result'
    },
    { limit: 5, report: (text) => reports.push(text), name: 'work' },
  )
  expect(await work(30)).toBe('result')
  expect(reports).toHaveLength(1)
  expect(reports[0]).toMatch(/^Profile of work: /)
  expect(reports[0]).toMatch(/ms busy[\s\S]*\(src\/index\.test\.ts:\d+\)/)
  const failing = profiled(
    () => {
      throw new Error('no')
    },
    { report: (text) => reports.push(text) },
  )
  await expect(failing()).rejects.toThrow('no')
  expect(reports).toHaveLength(2) // reported even when the call throws
}, 30_000)

test('options are checked', () => {
  expect(() => debugProfile({ limit: 0 })).toThrow(/limit/)
  expect(() => debugProfile({ sampleInterval: 0.5 })).toThrow(/sampleInterval/)
  expect(() => debugProfile({ sortBy: 'calls' as 'self' })).toThrow(/sortBy/)
  expect(() => debugProfile({ maxBodyBytes: -1 })).toThrow(/maxBodyBytes/)
})
