#!/usr/bin/env node
/*
 * Microbenchmarks (mitata) of the hot paths: context derivation, dispatch, header parsing,
 * cookie signing, and the server's own per-request objects. A package that is missing is
 * skipped with a note. `node src/micro.mjs [--quick]`; run.mjs includes the output.
 */
import { bench, group, run } from 'mitata'

const quick = process.argv.includes('--quick')
const skipped = []

async function optional(name) {
  try {
    return await import(name)
  } catch {
    skipped.push(name)
    return undefined
  }
}

const core = await import('@paste/core')
const build = core.contextBuilder({})
const parts = {
  target: '/p37/item?x=1',
  header: (name) => (name === 'host' ? 'bench.test' : undefined),
  remoteAddress: '127.0.0.1',
  remotePort: 40000,
  secure: false,
}
const context = build(parts)
const slot = core.createKey('bench')

group('context', () => {
  bench('contextBuilder (per request)', () => build(parts))
  bench('context.shift("/p37")', () => context.shift('/p37'))
  bench('context.with(key, value)', () => context.with(slot, 1))
  bench('context.derive({ remoteUser })', () => context.derive({ remoteUser: 'alice' }))
})

const urlmap = await optional('@paste/urlmap')
if (urlmap) {
  const ok = new Response(null)
  const apps = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`/p${i}`, () => ok]))
  const map = urlmap.urlMap(apps)
  const request = new Request('http://bench.test/p37/item')
  group('dispatch', () => {
    bench('urlMap, 50 prefixes, hit /p37', () => map(request, context))
  })
}

const req = await optional('@paste/request')
if (req) {
  const cookie = 'sid=abcdef0123456789; theme=dark; lang=en-GB; _ga=GA1.2.3.4; csrftoken=zzz'
  const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8'
  group('header parsing', () => {
    bench('parseCookies (5 cookies)', () => req.parseCookies(cookie))
    bench('parseAuthorization (Basic)', () => req.parseAuthorization('Basic YmVuY2g6c2VjcmV0'))
    bench('negotiateMediaType (browser Accept)', () =>
      req.negotiateMediaType(accept, ['application/json', 'text/html']),
    )
    bench('negotiateEncoding (gzip, br)', () =>
      req.negotiateEncoding('gzip, deflate, br;q=0.9', ['br', 'gzip']),
    )
  })
}

const authCookie = await optional('@paste/auth-cookie')
if (authCookie) {
  const keys = await authCookie.importKeys(['a-long-enough-secret-for-the-benchmark'])
  const content = { user: 'alice', tokens: ['admin'], userData: '', values: {}, expires: 2e9 }
  const value = await authCookie.signCookie(keys, 'auth', content)
  group('cookie signing (HMAC-SHA256, WebCrypto)', () => {
    bench('signCookie', async () => authCookie.signCookie(keys, 'auth', content))
    bench('verifyCookie', async () => authCookie.verifyCookie(keys, 'auth', value))
  })
}

const server = await optional('@paste/httpserver')
if (server) {
  const headers = { 'content-type': 'text/plain; charset=utf-8' }
  group('per-request objects', () => {
    bench(
      'native new Response(string)',
      () => new server.NativeResponseClass('Hello, World!', { headers }),
    )
    bench('FastResponse(string)', () => new server.FastResponse('Hello, World!', { headers }))
    bench('native new Request(url)', () => new Request('http://bench.test/p37/item'))
  })
}

await run({ format: 'markdown', colors: false, ...(quick ? { min_cpu_time: 50e6 } : {}) })
if (skipped.length) console.log(`\nskipped (package missing): ${skipped.join(', ')}`)
