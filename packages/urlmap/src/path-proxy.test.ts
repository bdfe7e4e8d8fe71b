import type { App } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { pathProxyUrlMap, urlMap } from './index.js'

const echo =
  (name: string): App =>
  (_request, context) =>
    new Response(`${name} script_name="${context.scriptName}" path_info="${context.pathInfo}"`)

/** A builder that records the files it was asked for and names each app after its file. */
function recordingBuilder() {
  const files: string[] = []
  const builder = async (file: string) => {
    files.push(file)
    return echo(file.slice(file.lastIndexOf('/') + 1))
  }
  return { files, builder }
}

describe('pathProxyUrlMap (Paste PathProxyURLMap)', () => {
  test('string entries are files under basePath, built by the builder, mounted under baseUrl', async () => {
    const { files, builder } = recordingBuilder()
    const proxy = pathProxyUrlMap(urlMap(), { baseUrl: '/apps', basePath: '/srv/conf/', builder })
    await proxy.set('/blog', 'blog.json')
    await proxy.set('/wiki', 'sub/wiki.json')
    await proxy.set('/direct', echo('direct'))
    expect(files).toEqual(['/srv/conf/blog.json', '/srv/conf/sub/wiki.json'])
    expect(proxy.map.list().map((e) => e.key)).toEqual(
      expect.arrayContaining(['/apps/blog', '/apps/wiki', '/apps/direct']),
    )
    expect(proxy.mountKey('/blog')).toBe('/apps/blog')
  })

  test("baseUrl's domain and port apply to entries that name none; an entry's own domain wins", async () => {
    const proxy = pathProxyUrlMap(urlMap(), {
      baseUrl: 'http://example.com:8080/base',
      basePath: '/x',
      builder: () => echo('b'),
    })
    expect(proxy.mountKey('/a')).toBe('http://example.com:8080/base/a')
    expect(proxy.mountKey('http://other.org/a')).toBe('http://other.org/base/a')
    expect(proxy.mountKey('')).toBe('http://example.com:8080/base')
  })

  test('with no baseUrl, entries are mounted where they say', () => {
    const proxy = pathProxyUrlMap(urlMap(), { basePath: '/x', builder: () => echo('b') })
    expect(proxy.mountKey('/a/b')).toBe('/a/b')
    expect(proxy.mountKey('')).toBe('/')
  })

  test.each([
    '../secret.json',
    'a/../../secret.json',
    './a.json',
    '/etc/passwd',
    'C:/Windows/win.ini',
    'a\\..\\b.json',
    'a//b.json',
    'a\u0000.json',
    'a\nb.json',
    '',
    'x'.repeat(5000),
  ])('the file name %j is refused before the builder runs', async (name) => {
    const { files, builder } = recordingBuilder()
    const proxy = pathProxyUrlMap(urlMap(), { basePath: '/srv/conf', builder })
    await expect(proxy.set('/a', name)).rejects.toThrow(/@paste\/urlmap/)
    expect(files).toEqual([])
    expect(proxy.map.size).toBe(0)
  })

  test("a builder's failure rejects and mounts nothing; so does a builder returning no App", async () => {
    const failing = pathProxyUrlMap(urlMap(), {
      basePath: '/x',
      builder: () => Promise.reject(new Error('bad config')),
    })
    await expect(failing.set('/a', 'a.json')).rejects.toThrow('bad config')
    expect(failing.map.size).toBe(0)
    const empty = pathProxyUrlMap(urlMap(), {
      basePath: '/x',
      builder: () => ({}) as unknown as App,
    })
    await expect(empty.set('/a', 'a.json')).rejects.toThrow(/must return an App/)
    expect(empty.map.size).toBe(0)
  })

  test('a bad key rejects before building', async () => {
    const { files, builder } = recordingBuilder()
    const proxy = pathProxyUrlMap(urlMap(), { basePath: '/x', builder })
    await expect(proxy.set('no-slash', 'a.json')).rejects.toThrow(/bad mount/)
    expect(files).toEqual([])
  })

  test('bad options throw a TypeError naming the package', () => {
    const builder = () => echo('x')
    expect(() => pathProxyUrlMap({} as never, { basePath: '/x', builder })).toThrow(TypeError)
    expect(() => pathProxyUrlMap(urlMap(), { basePath: '', builder })).toThrow(/basePath/)
    expect(() => pathProxyUrlMap(urlMap(), { basePath: '/x', builder: 1 as never })).toThrow(
      /builder/,
    )
    expect(() =>
      pathProxyUrlMap(urlMap(), { baseUrl: 'relative', basePath: '/x', builder }),
    ).toThrow(/@paste\/urlmap/)
  })
})

// built once, asynchronously (set() awaits the builder); the matrix serves it in process and on loopback
const sites = (async () => {
  const proxy = pathProxyUrlMap(urlMap(), {
    baseUrl: '/sites',
    basePath: '/srv',
    builder: (file) => echo(file),
  })
  await proxy.set('/blog', 'blog.json')
  return proxy.map
})()

matrix(
  'pathProxyUrlMap: requests reach the built apps with the base in scriptName',
  () => async (request, context) => (await sites)(request, context),
  async (fetch) => {
    expect(await (await fetch('/sites/blog/post/1')).text()).toBe(
      '/srv/blog.json script_name="/sites/blog" path_info="/post/1"',
    )
    expect((await fetch('/blog/post/1')).status).toBe(404)
  },
)
