/* Express 5 with its usual middleware: compression, serve-static, express-session, basic-auth. */
import { timingSafeEqual } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { createServer } from 'node:http'
import basicAuth from 'basic-auth'
import compression from 'compression'
import cookieParser from 'cookie-parser'
import express from 'express'
import session from 'express-session'
import morgan from 'morgan'
import serveStatic from 'serve-static'
import {
  COOKIE_USER,
  HELLO,
  PASSWORD,
  PREFIXES,
  payload,
  SESSION_SECRET,
  UPLOAD_LIMIT,
  USER,
} from '../common.mjs'

function bare() {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  return app
}

function mountAll(app, route) {
  for (const prefix of PREFIXES) {
    const router = express.Router()
    route(router, prefix)
    app.use(prefix, router)
  }
}

function auth(req, res, next) {
  const credentials = basicAuth(req)
  const given = Buffer.from(credentials?.pass ?? '')
  const expected = Buffer.from(PASSWORD)
  if (
    credentials?.name === USER &&
    given.length === expected.length &&
    timingSafeEqual(given, expected)
  )
    return next()
  res.set('WWW-Authenticate', 'Basic realm="bench"').status(401).end()
}

const scenarios = {
  hello: () => bare().get('/', (_req, res) => res.type('text/plain; charset=utf-8').send(HELLO)),
  static: ({ staticDir }) => bare().use('/static', serveStatic(staticDir)),
  gzip: ({ html }) =>
    bare()
      .use(compression({ level: 6 }))
      .get('/page.html', (_req, res) => res.type('html').send(html)),
  dispatch: () => {
    const app = bare()
    mountAll(app, (router, prefix) =>
      router.get('/item', (_req, res) =>
        res.type('text/plain; charset=utf-8').send(`${prefix} /item`),
      ),
    )
    return app
  },
  stack: () => {
    const app = bare()
    app.use(auth)
    app.use(
      session({
        secret: SESSION_SECRET,
        name: 'sid',
        resave: false,
        saveUninitialized: true,
        cookie: { httpOnly: true },
      }),
    )
    mountAll(app, (router) =>
      router.get('/data', (req, res) => {
        req.session.views = (req.session.views ?? 0) + 1
        res.json(payload(USER, req.session.views))
      }),
    )
    return app
  },
  form: () =>
    bare().post('/form', express.urlencoded({ extended: false }), (req, res) =>
      res
        .type('text/plain; charset=utf-8')
        .send(`${Object.keys(req.body).length} ${req.body.name}`),
    ),
  log: () =>
    bare()
      .use(morgan('combined', { stream: createWriteStream('/dev/null') }))
      .get('/log', (_req, res) => res.type('text/plain; charset=utf-8').send(HELLO)),
  cookie: () =>
    bare()
      .use(cookieParser(SESSION_SECRET))
      .get('/login', (_req, res) =>
        res
          .cookie('auth', COOKIE_USER, { signed: true, httpOnly: true })
          .type('text/plain; charset=utf-8')
          .send('ok'),
      )
      .get('/me', (req, res) => {
        const user = req.signedCookies.auth
        if (!user) return res.status(401).type('text/plain; charset=utf-8').end()
        res.type('text/plain; charset=utf-8').send(user)
      }),
  upload: () =>
    bare().post('/upload', express.raw({ type: () => true, limit: UPLOAD_LIMIT }), (req, res) =>
      res.type('text/plain; charset=utf-8').send(String(req.body.length)),
    ),
}

export function start(name, context) {
  const make = scenarios[name]
  if (!make) return undefined
  const server = createServer(make(context))
  return new Promise((resolve) => server.listen(context.port, '127.0.0.1', () => resolve(server)))
}
