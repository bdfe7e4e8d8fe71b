/* sirv: the fastest static server we know of, the reference for the static scenarios. */
import { createServer } from 'node:http'
import { dirname } from 'node:path'
import sirv from 'sirv'

export function start(name, context) {
  if (!name.startsWith('static')) return undefined
  // files live in <dir>/static, requested as /static/...
  const server = createServer(sirv(dirname(context.staticDir), { etag: true }))
  return new Promise((resolve) => server.listen(context.port, '127.0.0.1', () => resolve(server)))
}
