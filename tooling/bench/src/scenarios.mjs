/*
 * The scenarios: what wrk requests, which servers take part, and the check each server's
 * answer must pass before it is measured (same status and body for everyone).
 */
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { AUTHORIZATION, COOKIE_USER, FORM, FORM_ANSWER, HELLO } from './common.mjs'

const UPLOAD_BYTES = 10 * 1024 * 1024
const lua = (name) => fileURLToPath(new URL(`./lua/${name}`, import.meta.url))

/** One HTTP exchange for checks: status, headers, body bytes. */
export function exchange(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      )
    })
    req.setTimeout(10_000, () => req.destroy(new Error('check timed out')))
    req.on('error', reject)
    req.end(body)
  })
}

function expect(condition, message) {
  if (!condition) throw new Error(message)
}

// `x+ticks` is server x with keepNextTickFast() (see server.mjs): not a peer, a second
// reference, so paste is also compared with a limit that has the same V8 workaround
const PEERS = ['raw', 'raw+ticks', 'paste', 'fastify', 'hono', 'express']
const STATIC_PEERS = ['sirv', 'sirv+ticks', 'paste', 'fastify', 'hono', 'express']

/**
 * Each scenario: `path`, `servers`, `reference` (the limit the goal is measured against),
 * `goal` (ratio of paste to reference, or to a peer), and `prepare(base)` which checks the
 * server's answer and returns the wrk options (headers, script).
 */
/** A scenario fetching one static file of a known size. */
function staticFile(name, title, file, bytes) {
  return {
    name,
    title,
    servers: STATIC_PEERS,
    path: `/static/${file}`,
    goal: { against: 'sirv', ratio: 1 },
    async prepare(base) {
      const r = await exchange(`${base}/static/${file}`)
      expect(
        r.status === 200 && r.body.length === bytes,
        `${name}: got ${r.status} ${r.body.length} bytes`,
      )
      return {}
    },
  }
}

export const SCENARIOS = [
  {
    name: 'hello',
    title: 'hello world',
    servers: PEERS,
    path: '/',
    goal: { against: 'raw', ratio: 0.9 },
    // issue 2: a hello-world App ahead of Hono and Fastify too
    aheadOf: ['fastify'],
    async prepare(base) {
      const r = await exchange(`${base}/`)
      expect(r.status === 200 && r.body.toString() === HELLO, `hello: got ${r.status}`)
      return {}
    },
  },
  staticFile('static-1k', 'static file, 1 KB', '1k.txt', 1024),
  staticFile('static-1m', 'static file, 1 MB', '1m.bin', 1024 * 1024),
  {
    name: 'static-304',
    title: '304 revalidation (If-None-Match)',
    servers: STATIC_PEERS,
    path: '/static/1k.txt',
    goal: { against: 'sirv', ratio: 1 },
    async prepare(base) {
      const first = await exchange(`${base}/static/1k.txt`)
      const etag = first.headers.etag
      if (!etag) return { na: 'n/a (sends no ETag)' }
      const r = await exchange(`${base}/static/1k.txt`, { headers: { 'if-none-match': etag } })
      expect(r.status === 304, `static-304: got ${r.status}`)
      return { headers: [`If-None-Match: ${etag}`] }
    },
  },
  {
    name: 'gzip',
    title: '100 KB HTML page, gzipped',
    servers: PEERS,
    path: '/page.html',
    goal: { against: 'raw', ratio: 0.9 },
    async prepare(base) {
      const r = await exchange(`${base}/page.html`, { headers: { 'accept-encoding': 'gzip' } })
      expect(
        r.status === 200 && r.headers['content-encoding'] === 'gzip',
        `gzip: got ${r.status} ${r.headers['content-encoding']}`,
      )
      return { headers: ['Accept-Encoding: gzip'] }
    },
  },
  {
    name: 'dispatch',
    title: 'dispatch among 50 mounted prefixes',
    servers: PEERS,
    path: '/p37/item',
    goal: { against: 'raw', ratio: 0.95 },
    async prepare(base) {
      const r = await exchange(`${base}/p37/item`)
      expect(
        r.status === 200 && r.body.toString() === '/p37 /item',
        `dispatch: got ${r.status} ${r.body}`,
      )
      return {}
    },
  },
  {
    name: 'stack',
    title: 'Basic auth + dispatch + session (memory) + 1 KB JSON',
    servers: [...PEERS, 'fastify+ticks'],
    path: '/p37/data',
    goal: { against: 'fastify', ratio: 1 },
    async prepare(base) {
      const denied = await exchange(`${base}/p37/data`)
      expect(denied.status === 401, `stack: unauthenticated got ${denied.status}`)
      const first = await exchange(`${base}/p37/data`, {
        headers: { authorization: AUTHORIZATION },
      })
      const cookie = [first.headers['set-cookie'] ?? []].flat()[0]?.split(';')[0]
      expect(first.status === 200 && cookie, `stack: got ${first.status}, cookie ${cookie}`)
      const second = await exchange(`${base}/p37/data`, {
        headers: { authorization: AUTHORIZATION, cookie },
      })
      const body = JSON.parse(second.body.toString())
      expect(
        second.status === 200 && body.views === 2,
        `stack: session not kept (${second.body.toString().slice(0, 80)})`,
      )
      expect(second.body.length > 900, `stack: JSON only ${second.body.length} bytes`)
      return { headers: [`Authorization: ${AUTHORIZATION}`, `Cookie: ${cookie}`] }
    },
  },
  {
    name: 'form',
    title: 'POST a 1.4 KB urlencoded form (24 fields), parse it',
    servers: PEERS.filter((server) => !server.endsWith('+ticks')),
    path: '/form',
    goal: undefined,
    async prepare(base) {
      const r = await exchange(`${base}/form`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: FORM,
      })
      expect(
        r.status === 200 && r.body.toString() === FORM_ANSWER,
        `form: got ${r.status} ${r.body.toString().slice(0, 60)}`,
      )
      // form.lua reads the body from the environment wrk inherits
      process.env.BENCH_FORM = FORM
      return { script: lua('form.lua') }
    },
  },
  {
    name: 'log',
    title: 'hello world with an access log line per request (to /dev/null)',
    servers: PEERS.filter((server) => !server.endsWith('+ticks')),
    path: '/log?x=1',
    goal: undefined,
    async prepare(base) {
      const r = await exchange(`${base}/log?x=1`)
      expect(r.status === 200 && r.body.toString() === HELLO, `log: got ${r.status}`)
      return { headers: ['User-Agent: wrk', 'Referer: http://127.0.0.1/'] }
    },
  },
  {
    name: 'cookie',
    title: 'signed login cookie checked on every request',
    servers: PEERS.filter((server) => !server.endsWith('+ticks')),
    path: '/me',
    goal: undefined,
    async prepare(base) {
      const login = await exchange(`${base}/login`)
      const cookie = [login.headers['set-cookie'] ?? []].flat()[0]?.split(';')[0]
      expect(login.status === 200 && cookie, `cookie: login got ${login.status}, cookie ${cookie}`)
      const denied = await exchange(`${base}/me`)
      expect(denied.status === 401, `cookie: no cookie got ${denied.status}`)
      const forged = await exchange(`${base}/me`, { headers: { cookie: `${cookie}x` } })
      expect(forged.status === 401, `cookie: a forged cookie got ${forged.status}`)
      const r = await exchange(`${base}/me`, { headers: { cookie } })
      expect(
        r.status === 200 && r.body.toString() === COOKIE_USER,
        `cookie: got ${r.status} ${r.body.toString().slice(0, 40)}`,
      )
      return { headers: [`Cookie: ${cookie}`] }
    },
  },
  {
    name: 'upload',
    title: '10 MB upload, read fully',
    servers: PEERS.filter((server) => !server.endsWith('+ticks')),
    path: '/upload',
    connections: 10,
    goal: undefined,
    async prepare(base) {
      const r = await exchange(`${base}/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.alloc(UPLOAD_BYTES, 48),
      })
      expect(
        r.status === 200 && r.body.toString() === String(UPLOAD_BYTES),
        `upload: got ${r.status} ${r.body.toString().slice(0, 40)}`,
      )
      return { script: lua('upload.lua') }
    },
  },
]
