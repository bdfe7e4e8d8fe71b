// A real server whose app prints with the global console, for the child-process test.
// Imports the built packages (dist).
import { pipe } from '@paste/core'
import { debugPrints } from '@paste/debug-prints'
import { serve } from '@paste/httpserver'

async function app(request) {
  const name = new URL(request.url).searchParams.get('name') ?? 'world'
  console.log(`hello ${name} from pid ${process.pid}`)
  console.warn('careful <now>')
  await new Promise((resolve) => setTimeout(resolve, 5))
  return new Response(`<!doctype html><html><body><h1>Hi</h1></body></html>`, {
    headers: { 'content-type': 'text/html; charset=utf-8' },
  })
}

const server = await serve(pipe(app, debugPrints()), { port: 0, host: '127.0.0.1' })
process.stderr.write(`listening ${server.url}\n`)
process.on('SIGTERM', async () => {
  await server.close()
  process.exit(0)
})
