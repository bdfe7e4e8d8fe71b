import { type App, Context } from '@paste/core'
import { bench, describe } from 'vitest'
import { urlMap } from './index.js'

// 50 prefixes of mixed depth; apps return one shared response so only dispatch is measured
const shared = new Response(null)
const app: App = () => shared
const mapping: Record<string, App> = { '/': app }
for (let i = 0; i < 49; i++) mapping[i % 2 ? `/section${i}` : `/section${i}/sub${i}`] = app
const map = urlMap(mapping)
const withDomains = urlMap({
  ...mapping,
  'http://example.com/': app,
  'http://*.example.org/x': app,
})
const request = new Request('http://localhost/')
const deep = new Context({ scheme: 'http', host: 'localhost', pathInfo: '/section48/sub48/page' })
const miss = new Context({ scheme: 'http', host: 'localhost', pathInfo: '/nothing/here' })
const raw = new Context({ scheme: 'http', host: 'localhost', pathInfo: '//section7/../section9/x' })

describe('urlMap dispatch among 50 prefixes', () => {
  bench('longest-prefix hit', () => {
    map(request, deep)
  })
  bench('falls through to the root app', () => {
    map(request, miss)
  })
  bench('non-normal pathInfo (renormalised)', () => {
    map(request, raw)
  })
  bench('with domain entries', () => {
    withDomains(request, deep)
  })
})
