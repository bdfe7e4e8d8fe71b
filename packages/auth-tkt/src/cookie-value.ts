/*
 * The cookie encodings of a ticket. mod_auth_tkt reads a ticket plain (it contains "!"),
 * URL-escaped ("%21") or base64; Paste's AuthTicket.cookie() writes base64, and so do we.
 */
const encoder = new TextEncoder()

function unquote(text: string): string | undefined {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

/**
 * Reads a ticket from a cookie value the way mod_auth_tkt does: plain (it contains `!`),
 * URL-escaped (`%21`), or base64. Returns `undefined` if none of these yields a ticket.
 *
 * @example
 * decodeCookieValue(btoa(ticket)) === ticket
 */
export function decodeCookieValue(value: string): string | undefined {
  if (value.length > 8192) return undefined
  const text = value.replace(/^"|"$/g, '')
  if (text.includes('!')) return text
  if (/%21/i.test(text)) return unquote(text)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return undefined
  try {
    const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
    const decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return decoded.includes('!') ? decoded : undefined
  } catch {
    return undefined
  }
}

/**
 * The cookie value for a ticket: base64 of its UTF-8 bytes (what Paste's `AuthTicket.cookie()`
 * sends; mod_auth_tkt accepts it).
 *
 * @example
 * encodeCookieValue(await createTicket({ secret, userid: 'alice', ip: '0.0.0.0' }))
 */
export function encodeCookieValue(ticket: string): string {
  let binary = ''
  for (const byte of encoder.encode(ticket)) binary += String.fromCharCode(byte)
  return btoa(binary)
}
