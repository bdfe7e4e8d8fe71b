/*
 * Raw HTTP/1.1 requests for hostile-input tests: the request target and headers go on the
 * wire byte for byte (fetch would normalise `//x/../admin` or `%2e%2e` before sending), and
 * the response is read as received, with truncation reported. Plus a curl runner.
 */
import { execFile } from 'node:child_process'
import { connect } from 'node:net'

/** A raw HTTP/1.1 response: status, headers (lower-case names) and body bytes as received. */
export interface RawResponse {
  status: number
  headers: Map<string, string>
  body: Buffer
  /** The body decoded as UTF-8. */
  text: string
  /** The connection was cut before the announced body was complete. */
  truncated: boolean
}

/**
 * Sends `<method> <target> HTTP/1.1` with `Connection: close` to a server (its base URL or
 * port on 127.0.0.1) and reads the whole response. A `Host` header is added unless given.
 *
 * @example
 * const response = await rawRequest(server.url, '/%2e%2e/etc/passwd')
 * expect(response.status).toBe(400)
 */
export function rawRequest(
  server: string | number,
  target: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  const url = new URL(typeof server === 'number' ? `http://127.0.0.1:${server}` : server)
  const lines = [`${method} ${target} HTTP/1.1`, 'Connection: close']
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'host'))
    lines.push(`Host: ${url.host}`)
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname)
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', () => {}) // a reset still leaves what arrived; 'close' follows
    socket.setTimeout(10_000, () => socket.destroy())
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
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n')
  const headers = new Map<string, string>()
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  let body = data.subarray(end + 4)
  let truncated = false
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
    ;({ body, truncated } = dechunk(body))
  } else if (headers.has('content-length') && !head) {
    truncated = body.length < Number(headers.get('content-length'))
  }
  const status = Number(statusLine.split(' ')[1])
  return { status, headers, body, text: body.toString('utf8'), truncated }
}

function dechunk(data: Buffer): { body: Buffer; truncated: boolean } {
  const parts: Buffer[] = []
  let rest = data
  for (;;) {
    const eol = rest.indexOf('\r\n')
    if (eol < 0) return { body: Buffer.concat(parts), truncated: true }
    const size = Number.parseInt(rest.subarray(0, eol).toString('latin1'), 16)
    if (size === 0) return { body: Buffer.concat(parts), truncated: false }
    if (!(size > 0)) return { body: Buffer.concat(parts), truncated: true }
    parts.push(rest.subarray(eol + 2, eol + 2 + size))
    rest = rest.subarray(eol + 4 + size)
  }
}

/**
 * Runs curl (`-s`, no progress) and returns its stdout as bytes and its exit code.
 *
 * @example
 * const { stdout } = await curl(['--compressed', '-r', '0-9', `${server.url}/file`])
 */
export function curl(args: string[]): Promise<{ stdout: Buffer; code: number }> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-s', ...args],
      { encoding: 'buffer', maxBuffer: 64 << 20 },
      (error, stdout) =>
        resolve({ stdout, code: error ? Number((error as { code?: number }).code ?? 1) : 0 }),
    )
  })
}
