import { type App, createContext, isPathPrefix } from '@paste/core'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { firstSegment, SegmentTable } from './entries.js'
import { urlMap } from './index.js'
import { splitHost } from './normalize.js'

/** An app that answers with its mount key. */
const named =
  (key: string): App =>
  () =>
    new Response(key)

const segment = fc.constantFrom('a', 'b', 'ab', 'a.b', '%41', 'x-y')
const path = fc
  .array(segment, { maxLength: 3 })
  .map((segments) => segments.map((s) => `/${s}`).join(''))
const domain = fc.constantFrom('', 'http://example.com', 'http://*.example.com', 'http://h:8080')
const key = fc.tuple(domain, path).map(([d, p]) => (d === '' ? p || '/' : `${d}${p || '/'}`))
const host = fc.constantFrom('example.com', 'www.example.com', 'h:8080', 'other.org', 'h')

describe('dispatch through the first-segment index', () => {
  test('firstSegment', () => {
    expect(firstSegment('')).toBeUndefined()
    expect(firstSegment('/')).toBe('')
    expect(firstSegment('/blog')).toBe('blog')
    expect(firstSegment('/blog/x/y')).toBe('blog')
  })

  test('picks the same entry as trying every entry in order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(key, { maxLength: 12 }),
        path,
        host,
        async (keys, requestPath, requestHost) => {
          const map = urlMap(keys.map((k, i) => [k, named(`app ${i}`)] as const))
          const url = `http://${requestHost}${requestPath || '/'}`
          const request = new Request(url)
          const context = createContext(request)
          // the reference: the first entry of list() whose domain, port and path match
          const [name, port] = splitHost(context.host, context.scheme)
          const expected = map
            .list()
            .find(
              (e) =>
                (e.host !== undefined
                  ? e.host === name
                  : e.suffix === undefined || name.endsWith(e.suffix)) &&
                (e.port === undefined || e.port === port) &&
                isPathPrefix(e.path, context.pathInfo),
            )
          const response = await map(request, context)
          if (expected === undefined) expect(response.status).toBe(404)
          else
            expect(await response.text()).toBe(await (await expected.app(request, context)).text())
        },
      ),
      { numRuns: 400 },
    )
  })

  test('set and delete rebuild the index', async () => {
    const map = urlMap({ '/a': named('/a') })
    const get = async (p: string) => {
      const request = new Request(`http://localhost${p}`)
      const response = await map(request, createContext(request))
      return response.status === 404 ? 404 : response.text()
    }
    expect(await get('/a/b')).toBe('/a')
    map.set('/a/b', named('/a/b'))
    expect(await get('/a/b/c')).toBe('/a/b')
    map.delete('/a/b')
    expect(await get('/a/b/c')).toBe('/a')
    map.delete('/a')
    expect(await get('/a/b/c')).toBe(404)
    map.set('/', named('/'))
    expect(await get('/a/b/c')).toBe('/')
  })
})

describe('SegmentTable', () => {
  test('finds a slice of a string exactly as a Map finds the slice (property)', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', 'p', '1', '%', '.', 'é', '😀'),
      maxLength: 8,
    })
    fc.assert(
      fc.property(
        fc.uniqueArray(text, { maxLength: 40 }),
        text,
        text,
        text,
        (keys, before, probe, after) => {
          const reference = new Map(keys.map((k, i) => [k, i]))
          const table = new SegmentTable(reference)
          for (const [k, i] of reference) expect(table.get(`/${k}/`, 1, k.length + 1)).toBe(i)
          const whole = `${before}${probe}${after}`
          const start = before.length
          const end = start + probe.length
          expect(table.get(whole, start, end)).toBe(reference.get(whole.slice(start, end)))
        },
      ),
      { numRuns: 500 },
    )
  })

  test('a long or colliding segment walks at most the mounted keys', () => {
    const table = new SegmentTable([['a', 1]])
    expect(table.get(`/${'a'.repeat(100_000)}`, 1, 100_001)).toBeUndefined()
    expect(table.get('/a', 1, 2)).toBe(1)
    expect(table.get('', 0, 0)).toBeUndefined()
  })
})
