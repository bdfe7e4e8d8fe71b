/*
 * Small encodings every package needs and no package should write again: unpadded base64url
 * (RFC 4648 section 5) for tokens, ids and signatures, and HTML escaping for pages.
 * Web APIs only (btoa/atob), so they run on every runtime.
 */

// base64url = *( ALPHA / DIGIT / "-" / "_" )   (RFC 4648 section 5, no padding)
const BASE64URL = /^[A-Za-z0-9_-]*$/

/**
 * Encodes bytes as unpadded base64url.
 *
 * @example
 * base64urlEncode(crypto.getRandomValues(new Uint8Array(16))) // 22 characters
 */
export function base64urlEncode(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Decodes unpadded base64url; `undefined` for anything that is not (other characters,
 * padding, white space, an impossible length).
 *
 * @example
 * base64urlDecode('AQID') // Uint8Array [1, 2, 3]
 */
export function base64urlDecode(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * `<a title="${escapeHtml(title)}">${escapeHtml(name)}</a>`
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
}
