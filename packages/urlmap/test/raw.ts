import { connect } from 'node:net'

/** A parsed raw HTTP/1.1 response. */
export interface RawResponse {
  status: number
  headers: Map<string, string>
  body: string
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = body.indexOf('\r\n', at)
    if (eol === -1) break
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16)
    if (!(size > 0)) break
    parts.push(body.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
  return Buffer.concat(parts)
}

/**
 * Sends one request with the target and headers exactly as given (no client-side URL
 * normalisation, unlike fetch) and reads the whole response.
 */
export function rawRequest(
  port: number,
  target: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const lines = [`${method} ${target} HTTP/1.1`, 'Connection: close']
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'host')) lines.push('Host: localhost')
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
    socket.on('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'))
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw request timed out')))
    socket.on('close', () => {
      const all = Buffer.concat(chunks)
      const split = all.indexOf('\r\n\r\n')
      if (split === -1) return reject(new Error(`no response to ${target}`))
      const [statusLine = '', ...headerLines] = all
        .subarray(0, split)
        .toString('latin1')
        .split('\r\n')
      const map = new Map<string, string>()
      for (const line of headerLines) {
        const colon = line.indexOf(':')
        map.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
      }
      let body: Buffer = all.subarray(split + 4)
      if (map.get('transfer-encoding')?.toLowerCase() === 'chunked') body = dechunk(body)
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers: map,
        body: body.toString('utf8'),
      })
    })
  })
}
