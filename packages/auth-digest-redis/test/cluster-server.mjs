// A Digest-protected app served by @paste/httpserver with two cluster workers, for the
// cross-worker replay test. NONCE_STORE=redis shares nonce-counts through REDIS_URL;
// anything else keeps each worker's default in-memory store. Every response names the
// worker that answered (x-worker). Imports the built packages (dist).
import cluster from 'node:cluster'
import { authDigest } from '@paste/auth-digest'
import { redisNonceStore } from '@paste/auth-digest-redis'
import { serve } from '@paste/httpserver'

const shared = process.env.NONCE_STORE === 'redis' && cluster.isWorker
const nonceStore = shared ? redisNonceStore({ url: process.env.REDIS_URL }) : undefined
const whoami = (_request, context) => new Response(`${context.remoteUser}\n`)
const protectedApp = authDigest({
  realm: 'cluster',
  users: { alice: 'wonderland' },
  secret: process.env.DIGEST_SECRET,
  ...(nonceStore ? { nonceStore } : {}),
})(whoami)

async function app(request, context) {
  const response = await protectedApp(request, context)
  const named = new Response(response.body, response)
  named.headers.set('x-worker', String(process.pid))
  return named
}

const server = await serve(app, { port: 0, host: '127.0.0.1', workers: 2 })
if (cluster.isPrimary) process.stdout.write(`listening ${server.url}\n`)
process.on('SIGTERM', async () => {
  await server.close()
  await nonceStore?.close()
  process.exit(0)
})
