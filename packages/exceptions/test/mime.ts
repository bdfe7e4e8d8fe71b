// A minimal MIME reader for the SMTP test: headers (unfolded), and the decoded text of each
// leaf part (quoted-printable, base64, 7bit/8bit). Enough to assert on what nodemailer sent.

export interface MimePart {
  headers: Map<string, string>
  body: string
}

function splitHead(raw: string): [Map<string, string>, string] {
  const end = raw.indexOf('\r\n\r\n')
  const head = end === -1 ? raw : raw.slice(0, end)
  const headers = new Map<string, string>()
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
  }
  return [headers, end === -1 ? '' : raw.slice(end + 4)]
}

function decode(body: string, encoding: string | undefined): string {
  if (encoding?.toLowerCase() === 'base64')
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding?.toLowerCase() === 'quoted-printable') {
    const bytes = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    return Buffer.from(bytes, 'latin1').toString('utf8')
  }
  return body
}

/** Decodes RFC 2047 encoded-words (`=?UTF-8?Q?...?=`, `?B?`); space between two is dropped. */
export function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(
      /=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g,
      (_, _charset: string, kind: string, text: string) =>
        kind.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64').toString('utf8')
          : decode(text.replace(/_/g, ' '), 'quoted-printable'),
    )
}

/** The top-level headers and every leaf part of a raw message. */
export function parseMessage(raw: string): { headers: Map<string, string>; parts: MimePart[] } {
  const [headers, body] = splitHead(raw)
  const parts: MimePart[] = []
  const walk = (h: Map<string, string>, b: string) => {
    const boundary = /boundary="?([^";]+)"?/i.exec(h.get('content-type') ?? '')?.[1]
    if (!boundary) {
      parts.push({ headers: h, body: decode(b, h.get('content-transfer-encoding')) })
      return
    }
    for (const chunk of b.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break
      const [ph, pb] = splitHead(chunk.replace(/^\r\n/, ''))
      walk(ph, pb.replace(/\r\n$/, ''))
    }
  }
  walk(headers, body)
  return { headers, parts }
}
