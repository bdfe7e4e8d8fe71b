import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { compose, pipe } from './app.js'
import { Context, createKey } from './context.js'
import { contextFromParts, createContext, isValidHost, toFetchHandler } from './create.js'
import { HTTP_ERROR, isHttpError, MalformedRequestError } from './error.js'
import { consoleLogger } from './logger.js'

/** The public fields of a Context, compared between two ways of making one. */
const FIELDS = [
  'scheme',
  'host',
  'scriptName',
  'pathInfo',
  'search',
  'remoteUser',
  'authType',
  'remoteAddress',
  'remotePort',
  'signal',
  'logger',
  'origin',
  'applicationUrl',
] as const

const parts = (
  target: string,
  headers: Record<string, string> = { host: 'example.com' },
  remoteAddress = '10.0.0.1',
) => ({
  target,
  header: (name: string) => headers[name],
  remoteAddress,
  secure: false,
})

describe('Context', () => {
  test('derive and with never change the original', () => {
    const key = createKey<number>('n')
    const base = createContext(new Request('http://example.com/a/b?x=1'))
    const child = base.with(key, 1).derive({ remoteUser: 'alice', authType: 'basic' })
    expect(child.get(key)).toBe(1)
    expect(child.remoteUser).toBe('alice')
    expect(base.get(key)).toBeUndefined()
    expect(base.remoteUser).toBeUndefined()
    expect(base.has(key)).toBe(false)
    expect(() => base.require(key)).toThrow(/n is not available/)
    const grandchild = child.with(createKey<string>('s'), 's')
    expect(grandchild.get(key)).toBe(1)
  })

  test('shift moves a segment prefix into scriptName', () => {
    const c = createContext(new Request('http://example.com/blog/2024?p=2'))
    const inner = c.shift('/blog')
    expect([inner.scriptName, inner.pathInfo]).toEqual(['/blog', '/2024'])
    expect(inner.url.href).toBe('http://example.com/blog/2024?p=2')
    expect(inner.applicationUrl).toBe('http://example.com/blog')
    expect(() => c.shift('/bl')).toThrow(TypeError)
    expect(c.shift('/blog/2024').pathInfo).toBe('')
    // '/blog//' would leave a scriptName ending in a slash
    const doubled = new Context({ scheme: 'http', host: 'h', pathInfo: '/blog//x' })
    expect(() => doubled.shift('/blog//')).toThrow(/is not a prefix/)
    expect(doubled.shift('/blog/').pathInfo).toBe('//x')
  })

  test('shift keeps every other field, slot and the peer: the same context derive gives', () => {
    const key = createKey<string>('k')
    const logger = { ...consoleLogger }
    const signal = new AbortController().signal
    const segment = fc.stringMatching(/^[a-z%0-9.]{1,4}$/)
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), fc.nat(4), (segments, cut) => {
        const pathInfo = segments.map((s) => `/${s}`).join('')
        const prefix = segments
          .slice(0, Math.min(cut, segments.length))
          .map((s) => `/${s}`)
          .join('')
        const base = new Context({
          scheme: 'https',
          host: 'h.example:8443',
          scriptName: '/mnt',
          pathInfo,
          search: '?q=1',
          remoteUser: 'alice',
          authType: 'basic',
          peer: () => ({ address: '192.0.2.1', port: 4 }),
          signal,
          logger,
        }).with(key, 'v')
        const shifted = base.shift(prefix)
        const derived = base.derive({
          scriptName: `/mnt${prefix}`,
          pathInfo: pathInfo.slice(prefix.length),
        })
        for (const field of FIELDS) expect(shifted[field], field).toEqual(derived[field])
        expect(shifted.get(key)).toBe('v')
        expect(shifted.url.href).toBe(base.url.href)
        // the shifted copy is a full Context: it derives and shifts again
        expect(shifted.derive({ remoteUser: 'bob' }).remoteUser).toBe('bob')
        expect(shifted.shift('').pathInfo).toBe(shifted.pathInfo)
      }),
    )
  })

  test('the abort signal: the request’s by default, kept through derive, with and shift', () => {
    const controller = new AbortController()
    const request = new Request('http://example.com/a/b', { signal: controller.signal })
    const context = createContext(request)
    const inner = context.shift('/a').with(createKey<number>('n'), 1).derive({ remoteUser: 'u' })
    expect(inner.signal.aborted).toBe(false)
    controller.abort()
    expect(context.signal.aborted).toBe(true)
    expect(inner.signal.aborted).toBe(true)
    const own = new AbortController()
    expect(createContext(request, { signal: own.signal }).signal).toBe(own.signal)
    expect(new Context({ scheme: 'http', host: 'h', pathInfo: '' }).signal.aborted).toBe(false)
  })

  test('derive cannot break the scriptName / pathInfo invariants', () => {
    const c = createContext(new Request('http://example.com/a'))
    expect(() => c.derive({ pathInfo: 'a' })).toThrow(TypeError)
    expect(() => c.derive({ scriptName: '/x/' })).toThrow(TypeError)
    expect([c.scriptName, c.pathInfo]).toEqual(['', '/a'])
  })

  test('invariants are enforced', () => {
    expect(
      () => new Context({ scheme: 'http', host: 'h', scriptName: '/a/', pathInfo: '' }),
    ).toThrow(TypeError)
    expect(() => new Context({ scheme: 'http', host: 'h', pathInfo: 'x' })).toThrow(TypeError)
  })
})

describe('contextFromParts', () => {
  test('origin-form, normalised path, query kept', () => {
    const c = contextFromParts(parts('//a/../%62?q=1'))
    expect([c.pathInfo, c.search, c.host, c.scheme]).toEqual(['/b', '?q=1', 'example.com', 'http'])
  })
  test('GET //evil.com/x keeps the server host', () => {
    const c = contextFromParts(parts('//evil.com/x'))
    expect(c.host).toBe('example.com')
    expect(c.pathInfo).toBe('/evil.com/x')
  })
  test('absolute-form target replaces Host', () => {
    const c = contextFromParts(parts('http://other.test:81/p?q'))
    expect([c.host, c.pathInfo, c.search]).toEqual(['other.test:81', '/p', '?q'])
  })
  test.each([
    {},
    { host: 'bad host' },
    { host: 'a/b' },
    { host: 'x:99999999' },
    // shapes RFC 3986 allows that WHATWG URL refuses: context.url would throw (a 500)
    { host: 'example.com:99999' },
    { host: '[::::::]' },
    { host: '[1:2]' },
    { host: '[1.2.3.4]' },
    { host: '1.2.3.999' },
    { host: '1.2.3.4.5' },
    { host: '0x100000000' },
    // numbers WHATWG URL would turn into another address (999 is 0.0.3.231, 010 is octal)
    { host: '999' },
    { host: '1.2.3.010' },
    { host: '1.2.3.4.' },
  ])('bad Host %j is a 400', (headers) => {
    try {
      contextFromParts(parts('/', headers))
      expect.unreachable()
    } catch (error) {
      expect(isHttpError(error)).toBe(true)
      expect((error as MalformedRequestError).status).toBe(400)
    }
  })
  test.each([
    'example.com',
    'example.com:65535',
    'localhost.',
    '127.0.0.1:3000',
    '[::1]:8080',
    '[::ffff:10.0.0.1]',
    'a.0x1g',
    'host_name',
  ])('good Host %s is kept, and the URL agrees', (host) => {
    const c = contextFromParts(parts('/p', { host }))
    expect(c.host).toBe(host)
    expect(c.url.pathname).toBe('/p')
  })
  test('property: any Host a context accepts gives a URL with the same host', () => {
    const unit = fc.constantFrom(...'0123456789abcxXf.:-_[]'.split(''))
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 16 }), (host) => {
        let c: Context
        try {
          c = contextFromParts(parts('/', { host }))
        } catch {
          return
        }
        expect(c.url.host).toBe(new URL(`http://${host.toLowerCase()}`).host)
        expect(isValidHost(host)).toBe(true)
      }),
      { numRuns: 3000 },
    )
  })
  test('malformed path is a 400', () => {
    expect(() => contextFromParts(parts('/%zz'))).toThrow(MalformedRequestError)
  })
})

describe('trusted proxies', () => {
  const headers = {
    host: 'internal:8080',
    'x-forwarded-for': '203.0.113.9, 10.0.0.2',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'www.example.com',
  }
  test('ignored unless the peer is trusted', () => {
    const c = contextFromParts(parts('/', headers, '198.51.100.1'), { trustProxy: ['10.0.0.0/8'] })
    expect([c.remoteAddress, c.scheme, c.host]).toEqual(['198.51.100.1', 'http', 'internal:8080'])
  })
  test('walks X-Forwarded-For through trusted hops', () => {
    const c = contextFromParts(parts('/', headers, '10.0.0.1'), { trustProxy: ['private'] })
    expect([c.remoteAddress, c.scheme, c.host]).toEqual(['203.0.113.9', 'https', 'www.example.com'])
    expect(c.url.href).toBe('https://www.example.com/')
  })
  test('a spoofed left-most entry does not win over an untrusted hop', () => {
    const c = contextFromParts(
      parts('/', { ...headers, 'x-forwarded-for': '1.1.1.1, 198.51.100.7' }, '10.0.0.1'),
      {
        trustProxy: ['private'],
      },
    )
    expect(c.remoteAddress).toBe('198.51.100.7')
  })
  test('Forwarded (RFC 7239) wins over X-Forwarded-*', () => {
    const c = contextFromParts(
      parts(
        '/',
        {
          host: 'internal',
          forwarded: 'for="[2001:db8::17]:4711";proto=https;host=a.example',
          'x-forwarded-for': '9.9.9.9',
        },
        '127.0.0.1',
      ),
      { trustProxy: ['loopback'] },
    )
    expect([c.remoteAddress, c.scheme, c.host]).toEqual(['2001:db8::17', 'https', 'a.example'])
  })
  test('malformed Forwarded is ignored', () => {
    const c = contextFromParts(
      parts('/', { host: 'h', forwarded: 'for=1.2.3.4;;=;"' }, '127.0.0.1'),
      { trustProxy: true },
    )
    expect(c.remoteAddress).toBe('127.0.0.1')
  })
})

describe('pipe and compose', () => {
  test('outermost first', async () => {
    const order: string[] = []
    const layer =
      (name: string) => (app: import('./app.js').App) => async (r: Request, c: Context) => {
        order.push(name)
        return app(r, c)
      }
    const app = pipe(() => new Response('x'), layer('a'), compose(layer('b'), layer('c')))
    await app(new Request('http://h/'), createContext(new Request('http://h/')))
    expect(order).toEqual(['a', 'b', 'c'])
  })
})

describe('pipe checks what middleware returns', () => {
  test('a middleware that returns no App is a TypeError naming its position', () => {
    const broken = (() => undefined) as unknown as import('./app.js').Middleware
    expect(() =>
      pipe(
        () => new Response('x'),
        (app) => app,
        broken,
      ),
    ).toThrow(/pipe: middleware #1 did not return an App/)
  })
})

describe('toFetchHandler', () => {
  test('renders branded errors, hides others', async () => {
    const branded = {
      [HTTP_ERROR]: true,
      status: 418,
      expose: true,
      toResponse: () => new Response('teapot', { status: 418 }),
    }
    const h1 = toFetchHandler(() => {
      throw branded
    })
    expect((await h1(new Request('http://h/'))).status).toBe(418)
    const h2 = toFetchHandler(
      () => {
        throw new Error('secret /etc/passwd')
      },
      { logger: { error() {}, warn() {}, info() {}, debug() {} } },
    )
    const r = await h2(new Request('http://h/'))
    expect(r.status).toBe(500)
    expect(await r.text()).not.toContain('secret')
  })
})

describe('a lazily asked peer (RequestParts.peer, ContextInit.peer)', () => {
  const base = {
    target: '/a/b',
    header: (n: string) => (n === 'host' ? 'h' : undefined),
    secure: false,
  }

  test('with no trusted proxy, the peer is asked on first read, once, and shared by derived contexts', () => {
    let asked = 0
    const peer = () => {
      asked++
      return { address: '192.0.2.7', port: 5555 }
    }
    const context = contextFromParts({ ...base, peer })
    const derived = context.shift('/a').derive({ remoteUser: 'alice' }).with(createKey('k'), 1)
    expect(asked).toBe(0)
    expect(derived.remoteAddress).toBe('192.0.2.7')
    expect(derived.remotePort).toBe(5555)
    expect(context.remoteAddress).toBe('192.0.2.7')
    expect(asked).toBe(1)
  })

  test('a socket-like peer source is read on first use, once, and shared', () => {
    let reads = 0
    const socket = {
      get remoteAddress() {
        reads++
        return '2001:db8::5'
      },
      remotePort: 6543,
    }
    const context = contextFromParts({ ...base, peer: socket })
    const derived = context.shift('/a').derive({ remoteUser: 'alice' })
    expect(reads).toBe(0)
    expect(derived.remoteAddress).toBe('2001:db8::5')
    expect(derived.remotePort).toBe(6543)
    expect(context.remoteAddress).toBe('2001:db8::5')
    expect(reads).toBe(1)
    // a socket already closed may know no address: '' and no port, never a throw
    const gone = contextFromParts({ ...base, peer: {} })
    expect([gone.remoteAddress, gone.remotePort]).toEqual(['', undefined])
    // behind a trusted proxy the source is read at once, as a function is
    const proxied = contextFromParts(
      { ...base, peer: { remoteAddress: '127.0.0.1', remotePort: 1 } },
      { trustProxy: ['loopback'] },
    )
    expect(proxied.remoteAddress).toBe('127.0.0.1')
  })

  test('with a trusted proxy, the peer is asked at once and forwarded headers are walked', () => {
    let asked = 0
    const context = contextFromParts(
      {
        ...base,
        header: (n) => (n === 'host' ? 'h' : n === 'x-forwarded-for' ? '203.0.113.9' : undefined),
        peer: () => {
          asked++
          return { address: '127.0.0.1', port: 1 }
        },
      },
      { trustProxy: ['loopback'] },
    )
    expect(asked).toBe(1)
    expect(context.remoteAddress).toBe('203.0.113.9')
    expect(context.remotePort).toBeUndefined() // the port was the proxy's
  })

  test('an explicit remoteAddress wins over peer', () => {
    let asked = 0
    const context = contextFromParts({
      ...base,
      remoteAddress: '198.51.100.1',
      peer: () => {
        asked++
        return { address: 'x' }
      },
    })
    expect(context.remoteAddress).toBe('198.51.100.1')
    expect(asked).toBe(0)
  })

  test('derive changing the address keeps the port, and the other way round', () => {
    const context = new Context({
      scheme: 'http',
      host: 'h',
      pathInfo: '/',
      peer: () => ({ address: '192.0.2.1', port: 80 }),
    })
    const moved = context.derive({ remoteAddress: '192.0.2.2' })
    expect([moved.remoteAddress, moved.remotePort]).toEqual(['192.0.2.2', 80])
    const ported = context.derive({ remotePort: 81 })
    expect([ported.remoteAddress, ported.remotePort]).toEqual(['192.0.2.1', 81])
    expect([context.remoteAddress, context.remotePort]).toEqual(['192.0.2.1', 80])
  })

  test('no address at all is the empty string', () => {
    const context = new Context({ scheme: 'http', host: 'h', pathInfo: '/' })
    expect(context.remoteAddress).toBe('')
    expect(context.remotePort).toBeUndefined()
  })
})
