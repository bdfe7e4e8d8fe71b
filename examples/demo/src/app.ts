/*
 * The demo site: one application composed from the packages, the way a user would.
 *
 *   /                 home page (a visit counter in the session) and files from public/
 *   /static/...       public/ through staticParser (ETag, Range, 304) and gzip
 *   /account          needs a login: the form at /login, remembered in the session
 *   /private/...      HTTP Digest (SHA-256 and MD5), user demo / password demo
 *   /api/time         JSON
 *   /boom             a crash: the 500 page, nothing of the error leaked
 *   /_watch           requests in flight and event-loop delay (Digest, user demo)
 *   anything else     404, rendered by /errors/404 through errordocument + recursive
 */
import { fileURLToPath } from 'node:url'
import { authDigest } from '@paste/auth-digest'
import { authForm, timingSafeEqual } from '@paste/auth-form'
import { cascade } from '@paste/cascade'
import { type App, type Context, createKey, escapeHtml, type Middleware, pipe } from '@paste/core'
import { watchRequests } from '@paste/debug-watch'
import { errorDocument } from '@paste/errordocument'
import { gzip } from '@paste/gzip'
import { httpExceptions, NotFound } from '@paste/httpexceptions'
import { recursive } from '@paste/recursive'
import { getSession, session, sessionLogin } from '@paste/session'
import { urlMap } from '@paste/urlmap'
import { staticParser } from '@paste/urlparser'

/** Options for {@link createDemo}. */
export interface DemoOptions {
  /** Secret for CSRF tokens and Digest nonces. @default random per process */
  secret?: string
  /** Demo users and their passwords. @default { demo: 'demo' } */
  users?: Readonly<Record<string, string>>
}

const publicDir = fileURLToPath(new URL('../public', import.meta.url))

/** Where the whole site is mounted, recorded at the top so mounted apps can link to it. */
const siteRootKey = createKey<string>('demo:site-root')
const recordSiteRoot: Middleware = (app) =>
  function recordSiteRoot(request, context) {
    return app(request, context.with(siteRootKey, context.scriptName))
  }

function page(context: Context, title: string, body: string, status = 200): Response {
  const base = context.get(siteRootKey) ?? ''
  const who = context.remoteUser
    ? `signed in as <b>${escapeHtml(context.remoteUser)}</b> · <a href="${base}/logout">log out</a>`
    : `<a href="${base}/login">log in</a>`
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(title)} · Paste demo</title><link rel="stylesheet" href="${base}/static/style.css"></head>
<body><header><h1>${escapeHtml(title)}</h1><span>${who}</span></header>
<nav><a href="${base}/">home</a><a href="${base}/account">account</a><a href="${base}/private/">private (Digest)</a><a href="${base}/api/time">api</a><a href="${base}/nowhere">a 404</a><a href="${base}/boom">a 500</a><a href="${base}/_watch/">requests in flight</a></nav>
<main>${body}</main></body></html>`
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8' } })
}

const home: App = async (_request, context) => {
  if (context.pathInfo !== '/' && context.pathInfo !== '') throw new NotFound()
  const s = await getSession<{ visits: number }>(context)
  const visits = (s.get('visits') ?? 0) + 1
  s.set('visits', visits)
  return page(
    context,
    'Paste for TypeScript',
    `<p>Every feature of Python Paste as small Fetch-standard packages. This page was built by
an <code>App</code> below <code>urlMap</code>, <code>cascade</code>, <code>session</code>,
<code>authForm</code>, <code>errorDocument</code>, <code>recursive</code>, <code>gzip</code> and
<code>httpExceptions</code>.</p>
<table><tr><th>visits in this session</th><td>${visits}</td></tr>
<tr><th>client address</th><td>${escapeHtml(context.remoteAddress)}</td></tr>
<tr><th>URL as you see it</th><td>${escapeHtml(context.url.href)}</td></tr></table>
<p class="note">Log in as <code>demo</code> / <code>demo</code>; the same user opens the Digest area.</p>`,
  )
}

const account: App = (_request, context) =>
  page(
    context,
    'Your account',
    `<p>Hello, ${escapeHtml(context.remoteUser ?? '')}. The form login is kept in a server-side
session (memory store); its id was regenerated when you signed in.</p>`,
  )

const privateArea: App = (_request, context) =>
  page(
    context,
    'Private (Digest)',
    `<p>You passed HTTP Digest (RFC 7616) as <b>${escapeHtml(context.remoteUser ?? '')}</b>.</p>`,
  )

const api: App = (_request, context) => {
  if (context.pathInfo !== '/time') throw new NotFound()
  return Response.json({ now: new Date().toISOString(), user: context.remoteUser ?? null })
}

// The error pages answer 200: errorDocument keeps the original status when it uses them.
const errors: App = (_request, context) => {
  const status = Number(context.pathInfo.slice(1)) || 500
  const text = status === 404 ? 'There is nothing here.' : 'Something went wrong on our side.'
  return page(context, `${status}`, `<p>${text}</p>`)
}

const boom: App = () => {
  throw new Error('this message and its stack never reach the client')
}

/**
 * Builds the demo application.
 *
 * @example
 * const server = await serve(createDemo(), { port: 8080 })
 */
export function createDemo(options: DemoOptions = {}): App {
  const secret = options.secret ?? crypto.randomUUID() + crypto.randomUUID()
  const users = options.users ?? { demo: 'demo' }
  const files = staticParser(publicDir, { cacheControl: { maxAge: 3600 } })
  const watch = watchRequests({ allowAbort: true })
  const site = urlMap({
    '/': cascade([files, home]), // robots.txt and friends first, then the home page
    '/static': files,
    '/account': account,
    '/private': pipe(privateArea, authDigest({ realm: 'private@paste-demo', users, secret })),
    '/api': api,
    '/errors': errors,
    '/boom': boom,
    '/_watch': pipe(watch.app, authDigest({ realm: 'ops@paste-demo', users, secret })),
  })
  return pipe(
    site,
    watch.middleware, // outermost (pipe lists outermost first): every request in flight is listed
    recordSiteRoot,
    gzip(),
    recursive(), // lets errorDocument forward to /errors/...
    // catchErrors: a crash becomes a logged 500 that the 500 page replaces
    errorDocument({ 404: '/errors/404', 500: '/errors/500' }, { catchErrors: true }),
    session(),
    sessionLogin(), // remembers the form login in the session
    httpExceptions(), // thrown HTTP errors become responses errorDocument can replace
    authForm({
      secret,
      check: (user, password) => {
        const expected = Object.hasOwn(users, user) ? users[user] : undefined
        return expected !== undefined && timingSafeEqual(expected, password)
      },
      protect: (_request, context) => context.pathInfo.startsWith('/account'),
    }),
  )
}
