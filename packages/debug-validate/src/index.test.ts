import { gunzipSync, gzipSync } from 'node:zlib'
import { type App, type Logger, pipe } from '@paste/core'
import { inProcessFetch, matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import {
  type DebugValidateOptions,
  debugValidate,
  REPORT_CLASS,
  type ValidationMessage,
} from './index.js'

// Valid under html-validate's recommended preset.
const VALID =
  '<!DOCTYPE html>\n<html lang="en"><head><title>t</title></head><body><p>ok</p></body></html>'
// <foo> is not an element; the <img> has no alt.
const INVALID =
  '<!DOCTYPE html>\n<html lang="en"><head><title>t</title></head><body>\n<foo>x</foo> <img src="a.png">\n</body></html>'
const HTML = 'text/html; charset=utf-8'
const REPORT = new RegExp(`<section class="${REPORT_CLASS}"[\\s\\S]*?</section>`)

const page = (
  body: ConstructorParameters<typeof Response>[0],
  type = HTML,
  extra: Record<string, string> = {},
) => new Response(body, { headers: { 'content-type': type, etag: '"v1"', ...extra } })
const serving =
  (make: () => Response, options: DebugValidateOptions = {}): (() => App) =>
  () =>
    pipe(() => make(), debugValidate(options))

type Line = [level: string, message: string, details: Record<string, unknown> | undefined]
function recorder(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = []
  const log = (level: string) => (message: string, details?: Record<string, unknown>) => {
    lines.push([level, message, details])
  }
  return {
    lines,
    logger: { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') },
  }
}

/** A validator hook that finds one error everywhere, and counts its calls. */
function alwaysOne() {
  const calls: string[] = []
  const validate = (html: string): ValidationMessage[] => {
    calls.push(html)
    return [{ line: 1, column: 1, message: 'always', ruleId: 'always' }]
  }
  return { calls, validate }
}

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift()
      if (next === undefined) controller.close()
      else controller.enqueue(encoder.encode(next))
    },
  })
}

matrix(
  'a valid page is sent unchanged, byte for byte, with an error count of 0',
  serving(() => page(VALID)),
  async (fetch) => {
    const response = await fetch('/')
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new TextEncoder().encode(VALID))
    expect(response.headers.get('x-validate-errors')).toBe('0')
    expect(response.headers.get('etag')).toBe('"v1"') // same bytes, same validator
    expect(response.headers.get('cache-control')).toBeNull()
  },
)

matrix(
  'an invalid page gets the report before </body>, with the count, new length and no old ETag',
  serving(() => page(INVALID)),
  async (fetch) => {
    const response = await fetch('/')
    const html = await response.text()
    const report = REPORT.exec(html)?.[0] ?? ''
    expect(html).toBe(INVALID.replace('</body>', `${report}</body>`))
    expect(report).toContain('HTML validation: 2 errors, 0 warnings')
    expect(report).toContain(`<span class="${REPORT_CLASS}-location">3:2</span>`)
    expect(report).toContain('>element-name</a>')
    expect(report).toContain('&lt;foo&gt; is not a valid element name')
    expect(report).toContain(
      '&lt;<mark>foo</mark>&gt;x&lt;/foo&gt; &lt;img src=&quot;a.png&quot;&gt;',
    )
    expect(report).toContain('>wcag/h37</a>')
    expect(response.headers.get('x-validate-errors')).toBe('2')
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(html)))
    expect(response.headers.get('etag')).toBeNull()
    expect(response.headers.get('cache-control')).toBe('no-store')
  },
)

describe('where the report goes', () => {
  const hook = { validate: () => [{ line: 1, column: 1, message: 'here' }] }
  const reportOf = (html: string) => REPORT.exec(html)?.[0] ?? 'no report'

  matrix(
    'a page without </body>: at the end (as Paste did)',
    serving(() => page('<p>x</p>'), hook),
    async (fetch) => {
      const html = await (await fetch('/')).text()
      expect(html).toBe(`<p>x</p>${reportOf(html)}`)
    },
  )

  matrix(
    'at: body-start: just after <body>',
    serving(() => page('<body class="a"><p>x</p></body>'), { ...hook, at: 'body-start' }),
    async (fetch) => {
      const html = await (await fetch('/')).text()
      expect(html).toBe(`<body class="a">${reportOf(html)}<p>x</p></body>`)
    },
  )

  matrix(
    'a page with the placeholder gets it there; a </body> in a script is not the body end',
    serving(
      () =>
        page(
          '<body><script>let s = "</body>"</script><div id="paste-debug-validate"></div><p>x</p></body>',
        ),
      hook,
    ),
    async (fetch) => {
      const html = await (await fetch('/')).text()
      expect(html).toBe(
        `<body><script>let s = "</body>"</script><div id="paste-debug-validate">${reportOf(html)}</div><p>x</p></body>`,
      )
    },
  )

  matrix(
    'placeholderId names another element',
    serving(() => page('<body><p>x</p><aside id="v"></aside></body>'), {
      ...hook,
      placeholderId: 'v',
    }),
    async (fetch) => {
      const html = await (await fetch('/')).text()
      expect(html).toBe(`<body><p>x</p><aside id="v">${reportOf(html)}</aside></body>`)
    },
  )
})

describe('responses left alone (the validator is not even called)', () => {
  const cases: [string, () => Response, RequestInit?][] = [
    ['JSON', () => Response.json({ html: INVALID })],
    ['plain text', () => page(INVALID, 'text/plain')],
    ['no Content-Type', () => new Response(INVALID, { headers: { 'content-type': '' } })],
    ['HEAD', () => page(null, HTML, { 'content-length': '90' }), { method: 'HEAD' }],
    [
      '304',
      () => new Response(null, { status: 304, headers: { 'content-type': HTML, etag: '"v1"' } }),
    ],
    ['204', () => new Response(null, { status: 204, headers: { 'content-type': HTML } })],
  ]
  for (const [name, make, init] of cases) {
    const hook = alwaysOne()
    matrix(name, serving(make, { validate: hook.validate }), async (fetch) => {
      hook.calls.length = 0
      const expected = make()
      const response = await fetch('/', init)
      expect(response.status).toBe(expected.status)
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(
        new Uint8Array(await expected.arrayBuffer()),
      )
      expect(response.headers.get('x-validate-errors')).toBeNull()
      expect(hook.calls).toEqual([])
    })
  }

  const gzipped = alwaysOne()
  matrix(
    'gzip-encoded HTML',
    serving(() => page(gzipSync(INVALID), HTML, { 'content-encoding': 'gzip' }), {
      validate: gzipped.validate,
    }),
    async (fetch, transport) => {
      gzipped.calls.length = 0
      const response = await fetch('/')
      // Node's fetch decodes gzip itself; in process the bytes are as the app sent them
      if (transport === 'loopback') expect(await response.text()).toBe(INVALID)
      else expect(gunzipSync(await response.arrayBuffer()).toString()).toBe(INVALID)
      expect(response.headers.get('x-validate-errors')).toBeNull()
      expect(gzipped.calls).toEqual([])
    },
  )

  const skipped = alwaysOne()
  matrix(
    'check() says no',
    serving(() => page(INVALID), {
      validate: skipped.validate,
      check: (request) => !new URL(request.url).pathname.startsWith('/partials/'),
    }),
    async (fetch) => {
      skipped.calls.length = 0
      expect(await (await fetch('/partials/x')).text()).toBe(INVALID)
      expect(skipped.calls).toEqual([])
      expect(await (await fetch('/page')).text()).toContain(REPORT_CLASS)
      expect(skipped.calls).toHaveLength(1)
    },
  )
})

describe('bounded', () => {
  const big = `<body>${'<foo>x</foo>'.repeat(200)}</body>`
  const hook = alwaysOne()
  const options = { validate: hook.validate, maxBodyBytes: 1000 }

  matrix(
    'a streamed page over maxBodyBytes streams through unchanged, unvalidated',
    serving(() => page(streamOf(...big.match(/.{1,100}/g)!)), options),
    async (fetch) => {
      hook.calls.length = 0
      const response = await fetch('/')
      expect(await response.text()).toBe(big)
      expect(response.headers.get('x-validate-errors')).toBeNull()
      expect(response.headers.get('etag')).toBe('"v1"')
      expect(hook.calls).toEqual([])
    },
  )

  matrix(
    'a page declaring a Content-Length over maxBodyBytes is not read',
    serving(() => page(big, HTML, { 'content-length': String(big.length) }), options),
    async (fetch) => {
      hook.calls.length = 0
      const response = await fetch('/')
      expect(await response.text()).toBe(big)
      expect(hook.calls).toEqual([])
    },
  )

  matrix(
    'the default bound is 1 MiB',
    serving(() => page(`<body>${'x'.repeat(1024 * 1024)}</body>`), { validate: hook.validate }),
    async (fetch) => {
      hook.calls.length = 0
      const response = await fetch('/')
      expect((await response.text()).length).toBe(1024 * 1024 + 13)
      expect(hook.calls).toEqual([])
    },
  )

  matrix(
    'a streamed page under the bound is validated',
    serving(() => page(streamOf('<body><foo>', 'x</foo></body>')), options),
    async (fetch) => {
      hook.calls.length = 0
      const response = await fetch('/')
      expect(await response.text()).toContain(REPORT_CLASS)
      expect(hook.calls).toEqual(['<body><foo>x</foo></body>'])
    },
  )
})

describe('charsets', () => {
  // "café <foo>" in windows-1252: é is the single byte 0xE9
  const latin = (text: string) => Uint8Array.from(text, (c) => (c === 'é' ? 0xe9 : c.charCodeAt(0)))
  const W1252 = 'text/html; charset=windows-1252'
  const validLatin = VALID.replace('ok', 'café')
  const invalidLatin = INVALID.replace('<foo>x', '<foo>café')

  matrix(
    'a valid windows-1252 page is sent as it came, byte for byte',
    serving(() => page(latin(validLatin), W1252)),
    async (fetch) => {
      const response = await fetch('/')
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(latin(validLatin))
      expect(response.headers.get('content-type')).toBe(W1252)
    },
  )

  matrix(
    'an invalid windows-1252 page is decoded, reported on, and sent as UTF-8',
    serving(() => page(latin(invalidLatin), W1252)),
    async (fetch) => {
      const response = await fetch('/')
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const html = await response.text()
      expect(html).toContain('<foo>café</foo>')
      expect(html).toContain('&lt;<mark>foo</mark>&gt;café&lt;/foo&gt;')
    },
  )

  const hook = alwaysOne()
  matrix(
    'bytes that are not valid UTF-8 pass unchanged, unvalidated',
    serving(() => page(latin(invalidLatin)), { validate: hook.validate }),
    async (fetch) => {
      hook.calls.length = 0
      const response = await fetch('/')
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(latin(invalidLatin))
      expect(response.headers.get('x-validate-errors')).toBeNull()
      expect(hook.calls).toEqual([])
    },
  )
})

/** Every tag in `report` is one the report itself writes, with only its own attributes. */
function expectOnlyReportMarkup(report: string) {
  expect(report).toMatch(/^<section /)
  const tags = [...report.matchAll(/<\/?([^\s>/]+)([^>]*)>/g)]
  expect(tags.length).toBeGreaterThan(5)
  for (const [tag, name, attributes] of tags) {
    expect(['section', 'h2', 'ol', 'li', 'span', 'a', 'pre', 'mark', 'p'], tag).toContain(name)
    expect(attributes, tag).toMatch(/^(?:\s+(?:class|style|href)="[^"<>]*")*$/)
  }
}

describe('hostile content in the page shows only escaped', () => {
  const hostile =
    '<!DOCTYPE html>\n<html lang="en"><head><title>t</title></head><body>\n' +
    '<foo title="</pre></li></ol></section><script>alert(1)</script>"><img src=x onerror=alert(2)></foo>\n</body></html>'
  matrix(
    'with html-validate',
    serving(() => page(hostile)),
    async (fetch) => {
      const html = await (await fetch('/')).text()
      const report = REPORT.exec(html)?.[0] ?? ''
      expect(report).toContain(
        '&lt;/pre&gt;&lt;/li&gt;&lt;/ol&gt;&lt;/section&gt;&lt;script&gt;alert(1)&lt;/script&gt;',
      )
      // the page's own markup is all that is left once the report is taken out
      expect(html.replace(report, '')).toBe(hostile)
      expectOnlyReportMarkup(report)
    },
  )

  matrix(
    'with a validator whose messages carry markup',
    serving(() => page('<body>x</body>'), {
      validate: () => [
        {
          line: 1,
          column: 1,
          size: 40,
          message: '<img src=x onerror=alert(1)>',
          ruleId: '"><script>',
          ruleUrl: 'javascript:alert(3)',
        },
      ],
    }),
    async (fetch) => {
      const report = REPORT.exec(await (await fetch('/')).text())?.[0] ?? ''
      expect(report).toContain('&lt;img src=x onerror=alert(1)&gt;')
      expect(report).toContain('&quot;&gt;&lt;script&gt;')
      expect(report).not.toContain('javascript:')
      expectOnlyReportMarkup(report)
    },
  )
})

describe('validator failures: logged, page unchanged', () => {
  const log = recorder()
  matrix(
    'a validator that throws',
    serving(() => page(INVALID), {
      validate: () => {
        throw new Error('validator down')
      },
    }),
    async (fetch) => {
      log.lines.length = 0
      const response = await fetch('/some/page?secret=1')
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(
        new TextEncoder().encode(INVALID),
      )
      expect(response.headers.get('x-validate-errors')).toBeNull()
      expect(response.headers.get('etag')).toBe('"v1"')
      expect(log.lines).toHaveLength(1)
      const [level, message, details] = log.lines[0]!
      expect([level, message]).toEqual([
        'error',
        '@paste/debug-validate: the validator failed; page sent unchanged',
      ])
      expect(details).toMatchObject({ error: new Error('validator down'), path: '/some/page' })
    },
    { logger: log.logger },
  )

  const bad = recorder()
  matrix(
    'a validator that returns something other than a list of messages',
    serving(() => page(INVALID), { validate: (() => Promise.resolve({ errors: 1 })) as never }),
    async (fetch) => {
      bad.lines.length = 0
      expect(await (await fetch('/')).text()).toBe(INVALID)
      expect(bad.lines.map(([level]) => level)).toEqual(['error'])
      expect(String(bad.lines[0]![2]!.error)).toContain('did not return an array')
    },
    { logger: bad.logger },
  )
})

describe('the validate hook', () => {
  const seen: { html: string; contentType: string; url: string }[] = []
  matrix(
    'gets the page text, the request and the Content-Type; its messages are the report',
    serving(() => page('<body>\n<b>x</b>\n</body>', 'application/xhtml+xml'), {
      validate: async (html, { request, contentType }) => {
        seen.push({ html, contentType, url: new URL(request.url).pathname })
        return [
          { line: 2, column: 2, size: 1, message: 'bold', ruleId: 'no-b', severity: 'warning' },
          { line: 2, column: 4, message: 'two', ruleId: 'nu' },
        ]
      },
    }),
    async (fetch) => {
      seen.length = 0
      const response = await fetch('/p')
      const html = await response.text()
      expect(seen).toEqual([
        { html: '<body>\n<b>x</b>\n</body>', contentType: 'application/xhtml+xml', url: '/p' },
      ])
      expect(html).toContain('1 error, 1 warning')
      expect(html).toContain(
        `${REPORT_CLASS}-warning"><span class="${REPORT_CLASS}-location">2:2</span> <span class="${REPORT_CLASS}-rule">no-b</span>`,
      )
      expect(html).toContain('&lt;<mark>b</mark>&gt;x&lt;/b&gt;')
      expect(response.headers.get('x-validate-errors')).toBe('1')
    },
  )

  matrix(
    'an empty list is a valid page',
    serving(() => page(INVALID), { validate: () => [] }),
    async (fetch) => {
      const response = await fetch('/')
      expect(await response.text()).toBe(INVALID)
      expect(response.headers.get('x-validate-errors')).toBe('0')
    },
  )

  matrix(
    'warnings alone are reported, with a count of 0 errors',
    serving(() => page('<body></body>'), {
      validate: () => [{ line: 1, column: 1, message: 'w', severity: 'warning' }],
    }),
    async (fetch) => {
      const response = await fetch('/')
      expect(await response.text()).toContain('0 errors, 1 warning')
      expect(response.headers.get('x-validate-errors')).toBe('0')
    },
  )

  matrix(
    'countHeader names the header; false sends none',
    serving(() => page(INVALID), { validate: alwaysOne().validate, countHeader: false }),
    async (fetch) => {
      const response = await fetch('/')
      expect(await response.text()).toContain(REPORT_CLASS)
      expect([...response.headers.keys()].filter((name) => name.includes('validate'))).toEqual([])
    },
  )

  matrix(
    'maxMessages bounds the list',
    serving(() => page('<body></body>'), {
      validate: () => Array.from({ length: 7 }, () => ({ line: 1, column: 1, message: 'm' })),
      maxMessages: 3,
    }),
    async (fetch) => {
      const html = await (await fetch('/')).text()
      expect(html.match(/<li /g)).toHaveLength(3)
      expect(html).toContain('and 4 more not shown')
    },
  )
})

describe('html-validate', () => {
  matrix(
    'config replaces the preset',
    serving(() => page(INVALID), { config: { rules: { 'element-name': 'error' } } }),
    async (fetch) => {
      const response = await fetch('/')
      const html = await response.text()
      expect(html).toContain('>element-name</a>')
      expect(html).not.toContain('wcag/h37')
      expect(response.headers.get('x-validate-errors')).toBe('1')
    },
  )

  const withBr = VALID.replace('<p>ok</p>', '<p>ok<br/></p>')
  matrix(
    '<br/> is reported in text/html',
    serving(() => page(withBr)),
    async (fetch) => {
      expect(await (await fetch('/')).text()).toContain('>void-style</a>')
    },
  )
  matrix(
    '<br/> is right in application/xhtml+xml',
    serving(() => page(withBr, 'application/xhtml+xml')),
    async (fetch) => {
      const response = await fetch('/')
      expect(await response.text()).toBe(withBr)
      expect(response.headers.get('x-validate-errors')).toBe('0')
    },
  )
})

function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { open, opened }
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('concurrency', () => {
  let running = 0
  let most = 0
  let release = gate()
  const slow = async (): Promise<ValidationMessage[]> => {
    running++
    most = Math.max(most, running)
    await release.opened
    running--
    return [{ line: 1, column: 1, message: 'slow' }]
  }

  matrix(
    'at most maxConcurrent validations run at once; the others wait their turn',
    serving(() => page('<body></body>'), { validate: slow, maxConcurrent: 2 }),
    async (fetch) => {
      most = 0
      release = gate()
      const responses = Array.from({ length: 6 }, () => fetch('/'))
      while (running < 2) await tick()
      for (let i = 0; i < 10; i++) await tick() // time for any excess validation to start
      expect(running).toBe(2)
      release.open()
      for (const response of await Promise.all(responses))
        expect(await response.text()).toContain('slow')
      expect(most).toBe(2)
    },
  )

  const log = recorder()
  matrix(
    'past maxWaiting, a page is sent unvalidated and a warning logged',
    serving(() => page('<body></body>'), { validate: slow, maxConcurrent: 1, maxWaiting: 1 }),
    async (fetch) => {
      log.lines.length = 0
      release = gate()
      const first = fetch('/')
      while (running < 1) await tick()
      // one of these waits in line, the other finds the line full
      const pending = [fetch('/'), fetch('/')]
      const unvalidated = await Promise.race(pending)
      expect(await unvalidated.text()).toBe('<body></body>')
      expect(unvalidated.headers.get('x-validate-errors')).toBeNull()
      expect(log.lines).toEqual([
        ['warn', '@paste/debug-validate: too many pages waiting; one sent unvalidated', undefined],
      ])
      release.open()
      const all = await Promise.all([first, ...pending])
      const texts = await Promise.all(all.filter((r) => r !== unvalidated).map((r) => r.text()))
      expect(texts.every((t) => t.includes('slow'))).toBe(true)
    },
    { logger: log.logger },
  )
})

describe('options', () => {
  const bad: [string, DebugValidateOptions][] = [
    ['validate', { validate: 'nu' as never }],
    ['not both', { validate: () => [], config: {} }],
    ['config', { config: ['html-validate:recommended'] as never }],
    ['check', { check: true as never }],
    ['placeholderId', { placeholderId: '' }],
    ['at', { at: 'head' as never }],
    ['countHeader', { countHeader: 'X Errors' }],
    ['countHeader', { countHeader: true as never }],
    ['maxMessages', { maxMessages: 0 }],
    ['maxBodyBytes', { maxBodyBytes: -1 }],
    ['maxConcurrent', { maxConcurrent: 0 }],
    ['maxConcurrent', { maxConcurrent: 1.5 }],
    ['maxWaiting', { maxWaiting: Number.NaN }],
  ]
  for (const [name, options] of bad) {
    test(`a bad ${name} throws a TypeError naming the package`, () => {
      expect(() => debugValidate(options)).toThrow(TypeError)
      expect(() => debugValidate(options)).toThrow(/^@paste\/debug-validate: /)
    })
  }

  test("the caller's options object is not changed", () => {
    const options = Object.freeze({ maxConcurrent: 3 })
    debugValidate(options)
    expect(options).toEqual({ maxConcurrent: 3 })
  })
})

test('an error from the app below passes through', async () => {
  const fetch = inProcessFetch(
    pipe(() => {
      throw new Error('app broke')
    }, debugValidate()),
  )
  await expect(fetch('/')).rejects.toThrow('app broke')
})
