/* Test helpers: raw HTTP requests (no client-side path normalisation) and curl. */
import { execFile } from 'node:child_process'
import { connect } from 'node:net'

/** A raw HTTP/1.1 exchange: the status, headers and body bytes as received. */
export interface RawResponse {
  status: number
  headers: Map<string, string>
  body: Buffer
  /** The connection was cut before the announced body was complete. */
  truncated: boolean
}

/** Sends `GET <target>` byte for byte and reads the response (Connection: close). */
export function rawRequest(
  url: string,
  target: string,
  extra: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  const { hostname, port, host } = new URL(url)
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`, 'Connection: close']
  for (const [k, v] of Object.entries(extra)) lines.push(`${k}: ${v}`)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', () => {}) // a reset still leaves what arrived
    socket.on('close', () => {
      try {
        resolve(parseRaw(Buffer.concat(chunks), method === 'HEAD'))
      } catch (error) {
        reject(error)
      }
    })
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
  })
}

function parseRaw(data: Buffer, head: boolean): RawResponse {
  const end = data.indexOf('\r\n\r\n')
  if (end < 0)
    throw new Error(`no complete response head: ${JSON.stringify(data.toString('latin1'))}`)
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n')
  const headers = new Map<string, string>()
  for (const line of lines) {
    const i = line.indexOf(':')
    headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim())
  }
  let body = data.subarray(end + 4)
  let truncated = false
  if (headers.get('transfer-encoding') === 'chunked') {
    const out: Buffer[] = []
    let rest = body
    truncated = true
    for (;;) {
      const nl = rest.indexOf('\r\n')
      if (nl < 0) break
      const size = Number.parseInt(rest.subarray(0, nl).toString(), 16)
      if (size === 0) {
        truncated = false
        break
      }
      out.push(rest.subarray(nl + 2, nl + 2 + size))
      rest = rest.subarray(nl + 4 + size)
    }
    body = Buffer.concat(out)
  } else if (headers.has('content-length') && !head) {
    truncated = body.length < Number(headers.get('content-length'))
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body, truncated }
}

/** Runs curl and returns stdout as bytes (`-s`, no progress). */
export function curl(args: string[]): Promise<{ stdout: Buffer; code: number }> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-s', ...args],
      { encoding: 'buffer', maxBuffer: 64 << 20 },
      (error, stdout) => {
        resolve({ stdout, code: error ? Number((error as { code?: number }).code ?? 1) : 0 })
      },
    )
  })
}
