/*
 * The @paste equivalent of each scenario, built from our packages and served by
 * @paste/httpserver. A scenario whose package is not in packages/ (or not built) is
 * reported as "n/a (package missing)".
 */
import { timingSafeEqual } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { dirname } from 'node:path'
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

/** Thrown when a scenario cannot run; the message is shown in the results table. */
export class NotApplicable extends Error {}

async function load(name) {
  try {
    return await import(name)
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED')
      throw new NotApplicable(`n/a (package missing: ${name})`)
    throw error
  }
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' }

async function mountAll(makeApp) {
  const { urlMap } = await load('@paste/urlmap')
  return urlMap(Object.fromEntries(PREFIXES.map((prefix) => [prefix, makeApp(prefix)])))
}

const notFound = () => new Response('Not Found\n', { status: 404, headers: TEXT })

const scenarios = {
  hello: async () => () => new Response(HELLO, { headers: TEXT }),
  static: async ({ staticDir }) => {
    const { directoryApp } = await load('@paste/fileapp')
    return directoryApp(dirname(staticDir))
  },
  gzip: async ({ html }) => {
    const { pipe } = await load('@paste/core')
    const { gzip } = await load('@paste/gzip')
    const page = () =>
      new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } })
    return pipe(page, gzip({ level: 6, encodings: ['gzip'] }))
  },
  dispatch: async () =>
    mountAll(
      (prefix) => (_request, context) =>
        context.pathInfo === '/item'
          ? new Response(`${prefix} /item`, { headers: TEXT })
          : notFound(),
    ),
  stack: async () => {
    const { pipe } = await load('@paste/core')
    const { authBasic } = await load('@paste/auth-basic')
    const { session, memoryStore, getSession } = await load('@paste/session')
    const expected = Buffer.from(PASSWORD)
    const check = (user, password) => {
      const given = Buffer.from(password)
      return user === USER && given.length === expected.length && timingSafeEqual(given, expected)
    }
    const data = await mountAll(() => async (_request, context) => {
      if (context.pathInfo !== '/data') return notFound()
      const s = await getSession(context)
      const views = (s.get('views') ?? 0) + 1
      s.set('views', views)
      return Response.json(payload(context.remoteUser, views))
    })
    return pipe(
      data,
      authBasic({ realm: 'bench', check }),
      session({ store: memoryStore(), cookie: { name: 'sid' } }),
    )
  },
  form: async () => {
    const { readForm } = await load('@paste/request')
    return async (request) => {
      const form = await readForm(request)
      return new Response(`${form.size} ${form.get('name')}`, { headers: TEXT })
    }
  },
  log: async () => {
    const { pipe } = await load('@paste/core')
    const { transLogger } = await load('@paste/translogger')
    const hello = () => new Response(HELLO, { headers: TEXT })
    return pipe(hello, transLogger({ sink: createWriteStream('/dev/null'), utc: true }))
  },
  cookie: async () => {
    const { pipe, loginKey } = await load('@paste/core')
    const { authCookie } = await load('@paste/auth-cookie')
    const app = (_request, context) => {
      if (context.pathInfo === '/login') {
        context.require(loginKey).login(COOKIE_USER)
        return new Response('ok', { headers: TEXT })
      }
      if (context.remoteUser === undefined)
        return new Response(null, { status: 401, headers: TEXT })
      return new Response(context.remoteUser, { headers: TEXT })
    }
    return pipe(app, authCookie({ secrets: [SESSION_SECRET], cookieName: 'auth' }))
  },
  upload: async () => async (request) =>
    new Response(String((await request.arrayBuffer()).byteLength), { headers: TEXT }),
}

export async function start(name, context) {
  const make = scenarios[name]
  if (!make) return undefined
  const app = await make(context)
  const { serve } = await load('@paste/httpserver')
  const { silentLogger } = await load('@paste/core')
  const server = await serve(app, {
    port: context.port,
    host: '127.0.0.1',
    logger: silentLogger,
    maxBodyBytes: UPLOAD_LIMIT,
  })
  return server.server
}
