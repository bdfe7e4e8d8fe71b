import { type App, createContext, isPathPrefix } from '@paste/core'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { firstSegment } from './entries.js'
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
