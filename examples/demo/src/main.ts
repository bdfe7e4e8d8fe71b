import { pipe } from '@paste/core'
import { serve } from '@paste/httpserver'
import { transLogger } from '@paste/translogger'
import { createDemo } from './app.js'

const port = Number(process.env.PORT ?? 8080)
const host = process.env.HOST ?? '127.0.0.1'
// an Apache combined-format access log line per request, on the console
const server = await serve(pipe(createDemo(), transLogger()), { port, host })
console.log(`Paste demo listening on ${server.url}/  (log in as demo / demo; Ctrl-C to stop)`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\nshutting down')
    void server.close().then(() => process.exit(0))
  })
}
