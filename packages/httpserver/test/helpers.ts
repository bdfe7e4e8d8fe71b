/* Raw-socket helpers for hostile-request tests. */
import { connect } from 'node:net'

/** Sends raw bytes and resolves with everything the server wrote until it closed or went quiet. */
export function rawRequest(
  port: number,
  data: string | Buffer | (string | Buffer)[],
  options: { quietMs?: number; host?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, options.host ?? '127.0.0.1')
    const chunks: Buffer[] = []
    let timer: NodeJS.Timeout | undefined
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(Buffer.concat(chunks).toString('latin1'))
    }
    const arm = () => {
      clearTimeout(timer)
      timer = setTimeout(done, options.quietMs ?? 1500)
    }
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      arm()
    })
    socket.on('end', done)
    socket.on('close', done)
    socket.on('error', (error) => (chunks.length > 0 ? done() : reject(error)))
    socket.on('connect', () => {
      for (const part of Array.isArray(data) ? data : [data]) socket.write(part)
      arm()
    })
  })
}

/** The status code of the first response in a raw reply. */
export function statusOf(reply: string): number {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(reply)
  return m ? Number(m[1]) : 0
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The body of the first response in a raw reply (Content-Length or chunked). */
export function bodyOf(reply: string): string {
  const split = reply.indexOf('\r\n\r\n')
  const head = reply.slice(0, split)
  let rest = reply.slice(split + 4)
  if (!/transfer-encoding: chunked/i.test(head)) {
    const length = /content-length: (\d+)/i.exec(head)
    return length ? rest.slice(0, Number(length[1])) : rest
  }
  let body = ''
  for (;;) {
    const eol = rest.indexOf('\r\n')
    const size = Number.parseInt(rest.slice(0, eol), 16)
    if (!(size > 0)) return body
    body += rest.slice(eol + 2, eol + 2 + size)
    rest = rest.slice(eol + 4 + size)
  }
}
