/*
 * request.headers is a lazy view over Node's rawHeaders (get/has scan the raw pairs; the
 * native list is filled on first iteration or mutation). Everything it answers must be
 * what a native Headers built from the same header lines answers.
 */
import { connect } from 'node:net'
import { inspect } from 'node:util'
import { type Context, silentLogger } from '@paste/core'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type PasteServer, serve } from './index.js'
import { lazyRequest } from './request.js'

type Probe = (headers: Headers) => unknown
let server: PasteServer
let probe: Probe = () => null

beforeAll(async () => {
  server = await serve((request) => Response.json({ out: probe(request.headers) }), {
    port: 0,
    logger: silentLogger,
  })
})
afterAll(() => server.close())

/** Sends raw header lines; returns what the probe computed on the server. */
async function ask(lines: string[], fn: Probe): Promise<unknown> {
  probe = (headers) => {
    try {
      return fn(headers)
    } catch (error) {
      return `threw ${(error as Error).name}`
    }
  }
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1')
    let data = ''
    socket.on('data', (chunk) => (data += chunk))
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
    socket.write(`GET / HTTP/1.1\r\n${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`)
  })
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).out
}

/** The same probe on a native Headers built from the same lines. */
function native(lines: string[], fn: Probe): unknown {
  const headers = new Headers()
  for (const line of [...lines, 'Connection: close']) {
    const colon = line.indexOf(':')
    headers.append(line.slice(0, colon), line.slice(colon + 1).trim())
  }
  try {
    return fn(headers)
  } catch (error) {
    return `threw ${(error as Error).name}`
  }
}

const LINES = [
  'Host: example.com',
  'Accept: text/html',
  'X-Dup: one',
  'x-dup: two',
  'X-DUP:   three  ',
  'Cookie: a=1',
  'Cookie: b=2',
  'Set-Cookie: s=1',
  'Set-Cookie: t=2',
  'X-Empty:',
]

const PROBES: Record<string, Probe> = {
  'get, any case': (h) => [h.get('host'), h.get('HOST'), h.get('Accept')],
  'get joins repeated lines in order': (h) => [h.get('x-dup'), h.get('cookie')],
  'get of a missing name is null': (h) => h.get('x-missing'),
  'get of an empty value': (h) => h.get('x-empty'),
  has: (h) => [h.has('x-dup'), h.has('X-Empty'), h.has('nope')],
  'an invalid name throws a TypeError': (h) => h.get('bad name'),
  'has with an invalid name throws': (h) => h.has('bad\nname'),
  'iteration: sorted, combined': (h) => [...h],
  'entries, keys, values': (h) => [[...h.entries()], [...h.keys()], [...h.values()]],
  forEach: (h) => {
    const out: string[] = []
    h.forEach((v, k) => {
      out.push(`${k}=${v}`)
    })
    return out
  },
  'getSetCookie keeps each line': (h) => h.getSetCookie(),
  'set then get': (h) => {
    h.set('x-dup', 'replaced')
    return [h.get('x-dup'), h.get('host')]
  },
  'append then get': (h) => {
    h.append('accept', 'text/plain')
    return h.get('accept')
  },
  'delete then has and get': (h) => {
    h.delete('X-Dup')
    return [h.has('x-dup'), h.get('x-dup'), [...h].length]
  },
  'copied by new Headers and new Request': (h) => [
    [...new Headers(h)],
    [...new Request('http://x/', { headers: h }).headers],
  ],
  'Object.fromEntries': (h) => Object.fromEntries(h),
  'instanceof Headers': (h) => h instanceof Headers,
  'a bad value to set throws': (h) => h.set('x-a', 'a\nb'),
}

describe('request.headers: a lazy view answering as a native Headers', () => {
  for (const [name, fn] of Object.entries(PROBES))
    test(name, async () => {
      expect(await ask(LINES, fn)).toEqual(native(LINES, fn))
    })

  test('util.inspect shows the headers', async () => {
    const shown = await ask(LINES, (h) => inspect(h))
    expect(shown).toEqual(native(LINES, (h) => inspect(h)))
    expect(shown).toContain('one, two, three')
  })

  test('the request copies the headers when it is materialised (clone)', async () => {
    probe = () => null
    const app = await serve(
      (request) => Response.json([...request.clone().headers].filter(([k]) => k.startsWith('x-'))),
      { port: 0, logger: silentLogger },
    )
    try {
      const response = await fetch(app.url, { headers: { 'x-a': '1', 'x-b': '2' } })
      expect(await response.json()).toEqual([
        ['x-a', '1'],
        ['x-b', '2'],
      ])
    } finally {
      await app.close()
    }
  })
})

describe('request.headers against native Headers, for any header lines (property)', () => {
  // names that collide in length and differ only in case, plus characters outside tokens
  const name = fc.oneof(
    fc.constantFrom('Host', 'host', 'HOST', 'If-None-Match', 'cache-control', 'Cache-Control'),
    fc.constantFrom(
      'if-match',
      'IF-MATCH',
      'x-a',
      'X-A',
      'x-b',
      'Cookie',
      'cookie',
      'a_b',
      "x!#$%&'*+-.^`|~",
    ),
    fc.stringMatching(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,14}$/),
  )
  const value = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,8}[\x21-\x7e])?$/)
  const asked = fc.oneof(name, fc.constantFrom('bad name', 'x\u00e9', '', 'x:y', 'Ä'))

  test('get and has answer as a native Headers built from the same lines', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(name, value), { maxLength: 8 }),
        fc.array(asked, { minLength: 1, maxLength: 6 }),
        (lines, names) => {
          const raw = lines.flat()
          const incoming = { rawHeaders: raw, method: 'GET' } as never
          const lazy = lazyRequest(incoming, {} as Context, new AbortController().signal, 0).headers
          const reference = new Headers()
          for (const [n, v] of lines) reference.append(n, v)
          const outcome = (fn: () => unknown) => {
            try {
              return fn()
            } catch (error) {
              return `threw ${(error as Error).name}`
            }
          }
          for (const n of names) {
            expect(outcome(() => lazy.get(n))).toEqual(outcome(() => reference.get(n)))
            expect(outcome(() => lazy.has(n))).toEqual(outcome(() => reference.has(n)))
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})
