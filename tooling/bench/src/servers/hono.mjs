/* Hono on @hono/node-server with its own middleware (compress, basic-auth, signed cookies, serve-static). */
import { createWriteStream } from 'node:fs'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { basicAuth } from 'hono/basic-auth'
import { compress } from 'hono/compress'
import { getSignedCookie, setSignedCookie } from 'hono/cookie'
import { logger } from 'hono/logger'
import {
  COOKIE_USER,
  HELLO,
  PASSWORD,
  PREFIXES,
  payload,
  SESSION_SECRET,
  USER,
} from '../common.mjs'

function mountAll(app, route) {
  for (const prefix of PREFIXES) {
    const sub = new Hono()
    route(sub, prefix)
    app.route(prefix, sub)
  }
  return app
}

// Hono has no session middleware: a memory map keyed by a signed cookie, as its docs suggest.
function memorySession() {
  const sessions = new Map()
  return async (c, next) => {
    let id = await getSignedCookie(c, SESSION_SECRET, 'sid')
    if (!id || !sessions.has(id)) {
      id = crypto.randomUUID()
      sessions.set(id, {})
      await setSignedCookie(c, 'sid', id, SESSION_SECRET, { path: '/', httpOnly: true })
    }
    c.set('session', sessions.get(id))
    await next()
  }
}

const scenarios = {
  hello: () => new Hono().get('/', (c) => c.text(HELLO)),
  static: ({ staticDir }) =>
    new Hono().use(
      '/static/*',
      serveStatic({ root: staticDir, rewriteRequestPath: (path) => path.replace(/^\/static/, '') }),
    ),
  gzip: ({ html }) =>
    new Hono().use(compress({ encoding: 'gzip' })).get('/page.html', (c) => c.html(html)),
  dispatch: () =>
    mountAll(new Hono(), (sub, prefix) => sub.get('/item', (c) => c.text(`${prefix} /item`))),
  stack: () => {
    const app = new Hono()
    app.use(basicAuth({ username: USER, password: PASSWORD, realm: 'bench' }))
    app.use(memorySession())
    return mountAll(app, (sub) =>
      sub.get('/data', (c) => {
        const session = c.get('session')
        session.views = (session.views ?? 0) + 1
        return c.json(payload(USER, session.views))
      }),
    )
  },
  form: () =>
    new Hono().post('/form', async (c) => {
      const body = await c.req.parseBody()
      return c.text(`${Object.keys(body).length} ${body.name}`)
    }),
  log: () => {
    const out = createWriteStream('/dev/null')
    return new Hono()
      .use(logger((line) => out.write(`${line}\n`)))
      .get('/log', (c) => c.text(HELLO))
  },
  cookie: () =>
    new Hono()
      .get('/login', async (c) => {
        await setSignedCookie(c, 'auth', COOKIE_USER, SESSION_SECRET, { path: '/', httpOnly: true })
        return c.text('ok')
      })
      .get('/me', async (c) => {
        const user = await getSignedCookie(c, SESSION_SECRET, 'auth')
        return user ? c.text(user) : c.body(null, 401)
      }),
  upload: () =>
    new Hono().post('/upload', async (c) => c.text(String((await c.req.arrayBuffer()).byteLength))),
}

export function start(name, context) {
  const make = scenarios[name]
  if (!make) return undefined
  const app = make(context)
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: context.port, hostname: '127.0.0.1' }, () =>
      resolve(server),
    )
  })
}
