// A session app served by @paste/httpserver in its own process, for the multi-process test.
// It imports the built packages (dist): `pnpm turbo run build --filter=@paste/session-redis...`.
import { pipe } from '@paste/core'
import { serve } from '@paste/httpserver'
import { getSession, session } from '@paste/session'
import { redisStore } from '@paste/session-redis'

const store = redisStore({ url: process.env.REDIS_URL, prefix: 'multi:', commandTimeout: 2000 })

async function app(request, context) {
  const url = new URL(request.url)
  const s = await getSession(context)
  if (url.searchParams.has('delay'))
    await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get('delay'))))
  if (url.pathname === '/login') {
    await s.regenerate()
    s.set('user', url.searchParams.get('user'))
  } else if (url.pathname === '/logout') {
    await s.destroy()
  } else if (url.pathname === '/set') {
    for (const [k, v] of url.searchParams) if (k !== 'delay') s.set(k, v)
  }
  return Response.json({ pid: process.pid, data: s.toJSON() })
}

const server = await serve(pipe(app, session({ store })), { port: 0, host: '127.0.0.1' })
process.stdout.write(`listening ${server.url}\n`)
process.on('SIGTERM', async () => {
  await server.close()
  await store.close()
  process.exit(0)
})
