/* Fastify 5 with its plugins: @fastify/static, @fastify/compress, @fastify/basic-auth, @fastify/cookie + @fastify/session. */
import { timingSafeEqual } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import fastifyBasicAuth from '@fastify/basic-auth'
import fastifyCompress from '@fastify/compress'
import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import fastifySession from '@fastify/session'
import fastifyStatic from '@fastify/static'
import Fastify from 'fastify'
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

function mountAll(app, route) {
  for (const prefix of PREFIXES) app.register(async (sub) => route(sub, prefix), { prefix })
  return app
}

const scenarios = {
  hello: () =>
    Fastify().get('/', (_request, reply) => {
      reply.type('text/plain; charset=utf-8').send(HELLO)
    }),
  static: ({ staticDir }) =>
    Fastify().register(fastifyStatic, { root: staticDir, prefix: '/static/' }),
  gzip: ({ html }) => {
    const app = Fastify()
    app.register(fastifyCompress, { global: true, encodings: ['gzip'], zlibOptions: { level: 6 } })
    app.register(async (scope) =>
      scope.get('/page.html', (_request, reply) => {
        reply.type('text/html; charset=utf-8').send(html)
      }),
    )
    return app
  },
  dispatch: () =>
    mountAll(Fastify(), (sub, prefix) =>
      sub.get('/item', (_request, reply) => {
        reply.type('text/plain; charset=utf-8').send(`${prefix} /item`)
      }),
    ),
  stack: () => {
    const app = Fastify()
    const expected = Buffer.from(PASSWORD)
    app.register(fastifyBasicAuth, {
      authenticate: { realm: 'bench' },
      validate: async (user, password) => {
        const given = Buffer.from(password)
        if (user !== USER || given.length !== expected.length || !timingSafeEqual(given, expected))
          throw new Error('Unauthorized')
      },
    })
    app.register(fastifyCookie)
    app.register(fastifySession, {
      secret: SESSION_SECRET,
      cookieName: 'sid',
      saveUninitialized: true,
      cookie: { secure: false, httpOnly: true },
    })
    app.after(() => app.addHook('onRequest', app.basicAuth))
    return mountAll(app, (sub) =>
      sub.get('/data', async (request) => {
        const views = (request.session.get('views') ?? 0) + 1
        request.session.set('views', views)
        return payload(USER, views)
      }),
    )
  },
  form: () =>
    Fastify()
      .register(fastifyFormbody)
      .register(async (scope) =>
        scope.post('/form', (request, reply) => {
          reply
            .type('text/plain; charset=utf-8')
            .send(`${Object.keys(request.body).length} ${request.body.name}`)
        }),
      ),
  // Fastify's own access log: pino, one line when a request comes and one when it is answered
  log: () =>
    Fastify({ logger: { stream: createWriteStream('/dev/null') } }).get(
      '/log',
      (_request, reply) => {
        reply.type('text/plain; charset=utf-8').send(HELLO)
      },
    ),
  cookie: () =>
    Fastify()
      .register(fastifyCookie, { secret: SESSION_SECRET })
      .register(async (scope) => {
        scope.get('/login', (_request, reply) => {
          reply
            .setCookie('auth', COOKIE_USER, { signed: true, path: '/', httpOnly: true })
            .type('text/plain; charset=utf-8')
            .send('ok')
        })
        scope.get('/me', (request, reply) => {
          const raw = request.cookies.auth
          const result = raw === undefined ? undefined : request.unsignCookie(raw)
          if (!result?.valid) return reply.code(401).type('text/plain; charset=utf-8').send()
          reply.type('text/plain; charset=utf-8').send(result.value)
        })
      }),
  upload: () => {
    const app = Fastify({ bodyLimit: UPLOAD_LIMIT })
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    return app.post('/upload', (request, reply) => {
      reply.type('text/plain; charset=utf-8').send(String(request.body.length))
    })
  },
}

export async function start(name, context) {
  const make = scenarios[name]
  if (!make) return undefined
  const app = make(context)
  await app.listen({ port: context.port, host: '127.0.0.1' })
  return app.server
}
