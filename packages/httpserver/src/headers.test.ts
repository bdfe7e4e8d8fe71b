/*
 * request.headers is a lazy view over Node's rawHeaders (get/has scan the raw pairs; the
 * native list is filled on first iteration or mutation). Everything it answers must be
 * what a native Headers built from the same header lines answers.
 */
import { connect } from 'node:net'
import { inspect } from 'node:util'
import { silentLogger } from '@paste/core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type PasteServer, serve } from './index.js'

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
