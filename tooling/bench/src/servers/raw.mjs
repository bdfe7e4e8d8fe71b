/* Raw node:http: the limit every other server is compared with. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { createServer } from 'node:http'
import { gzip } from 'node:zlib'
import {
  COOKIE_USER,
  HELLO,
  PASSWORD,
  PREFIXES,
  payload,
  SESSION_SECRET,
  USER,
} from '../common.mjs'

const TEXT = 'text/plain; charset=utf-8'

function hello(_req, res) {
  res.writeHead(200, { 'content-type': TEXT, 'content-length': '13' })
  res.end(HELLO)
}

function dispatcher(makeHandler) {
  const table = new Map(PREFIXES.map((prefix) => [prefix, makeHandler(prefix)]))
  return (req, res) => {
    const url = req.url
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const slash = path.indexOf('/', 1)
    const handler = table.get(slash === -1 ? path : path.slice(0, slash))
    if (handler) return handler(req, res, slash === -1 ? '' : path.slice(slash))
    res.writeHead(404, { 'content-type': TEXT, 'content-length': '10' })
    res.end('Not Found\n')
  }
}

function checkBasic(header) {
  if (!header?.startsWith('Basic ')) return undefined
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) return undefined
  const user = decoded.slice(0, colon)
  const a = Buffer.from(decoded.slice(colon + 1))
  const b = Buffer.from(PASSWORD)
  return user === USER && a.length === b.length && timingSafeEqual(a, b) ? user : undefined
}

const sign = (id) => `${id}.${createHmac('sha256', SESSION_SECRET).update(id).digest('base64url')}`
function unsign(value) {
  const dot = value.lastIndexOf('.')
  if (dot === -1) return undefined
  const id = value.slice(0, dot)
  const expected = Buffer.from(sign(id))
  const given = Buffer.from(value)
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined
}

function stack() {
  const sessions = new Map()
  return dispatcher(() => (req, res) => {
    const user = checkBasic(req.headers.authorization)
    if (!user) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="bench"', 'content-length': '0' })
      return res.end()
    }
    const cookie = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')
    let id = cookie ? unsign(decodeURIComponent(cookie[1])) : undefined
    const headers = { 'content-type': 'application/json' }
    if (id === undefined || !sessions.has(id)) {
      id = randomBytes(16).toString('base64url')
      sessions.set(id, { views: 0 })
      headers['set-cookie'] = `sid=${encodeURIComponent(sign(id))}; Path=/; HttpOnly`
    }
    const session = sessions.get(id)
    session.views++
    const body = JSON.stringify(payload(user, session.views))
    headers['content-length'] = Buffer.byteLength(body)
    res.writeHead(200, headers)
    res.end(body)
  })
}

export const scenarios = {
  hello: () => hello,
  gzip:
    ({ html }) =>
    (_req, res) => {
      gzip(html, { level: 6 }, (error, compressed) => {
        if (error) throw error
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-encoding': 'gzip',
          vary: 'Accept-Encoding',
          'content-length': compressed.length,
        })
        res.end(compressed)
      })
    },
  dispatch: () =>
    dispatcher((prefix) => (_req, res, rest) => {
      const body = `${prefix} ${rest}`
      res.writeHead(200, { 'content-type': TEXT, 'content-length': Buffer.byteLength(body) })
      res.end(body)
    }),
  stack,
  form: () => form,
  log: logged,
  cookie: () => cookie,
  upload: () => (req, res) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      chunks.push(chunk)
    })
    req.on('end', () => {
      const body = Buffer.concat(chunks, size)
      res.writeHead(200, { 'content-type': TEXT })
      res.end(String(body.length))
    })
  },
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n) => String(n).padStart(2, '0')
// Apache's time, [10/Oct/2000:13:55:36 +0000], UTC
function clfDate(d) {
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

/** The access log, written by hand: Apache combined format, after the response. */
function logged() {
  const out = createWriteStream('/dev/null')
  return (req, res) => {
    res.on('finish', () => {
      // what hello() sent (its writeHead keeps no header object to read back)
      const length = Buffer.byteLength(HELLO)
      out.write(
        `${req.socket.remoteAddress} - - [${clfDate(new Date())}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${res.statusCode} ${length} "${req.headers.referer ?? '-'}" "${req.headers['user-agent'] ?? '-'}"\n`,
      )
    })
    hello(req, res)
  }
}

/** The form: the body collected, parsed with URLSearchParams. */
function form(req, res) {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    const fields = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
    const body = `${fields.size} ${fields.get('name')}`
    res.writeHead(200, { 'content-type': TEXT, 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
}

/** A login cookie signed with HMAC-SHA256, checked on /me. */
function cookie(req, res) {
  if (req.url === '/login') {
    res.writeHead(200, {
      'content-type': TEXT,
      'content-length': '2',
      'set-cookie': `auth=${encodeURIComponent(sign(COOKIE_USER))}; Path=/; HttpOnly`,
    })
    return res.end('ok')
  }
  const m = /(?:^|;\s*)auth=([^;]+)/.exec(req.headers.cookie ?? '')
  const user = m ? unsign(decodeURIComponent(m[1])) : undefined
  if (user === undefined) {
    res.writeHead(401, { 'content-type': TEXT, 'content-length': '0' })
    return res.end()
  }
  res.writeHead(200, { 'content-type': TEXT, 'content-length': Buffer.byteLength(user) })
  res.end(user)
}

export function start(name, context) {
  const make = scenarios[name]
  if (!make) return undefined
  const server = createServer(make(context))
  return new Promise((resolve) => server.listen(context.port, '127.0.0.1', () => resolve(server)))
}
