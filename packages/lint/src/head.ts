/*
 * Pure checks of a response's status line and header fields. Each returns findings
 * (rule + message) rather than throwing, so the middleware decides between throw and warn.
 * Messages are logged: they name headers and cookies but never quote cookie values, header
 * values with control characters, or the query of a Location (tokens travel there).
 */
import type { LintRule } from './error.js'

/** One broken rule and what was wrong. */
export interface Finding {
  rule: LintRule
  message: string
}

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
// token = 1*tchar                                           (RFC 9110 section 5.6.2)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// field-content chars = VCHAR / obs-text / SP / HTAB; anything else is a CTL (RFC 9110 5.5)
const BAD_VALUE_CHAR = /[\x00-\x08\x0A-\x1F\x7F]/
// connection-specific fields a server sets itself (RFC 9110 7.6.1, RFC 9113 8.2.2)
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
])
// Content-Length = 1*DIGIT                                  (RFC 9110 section 8.6)
const CONTENT_LENGTH = /^\d+$/
// media-type = type "/" subtype parameters; parameters = *( OWS ";" OWS [ parameter ] )
// parameter = token "=" ( token / quoted-string )          (RFC 9110 sections 8.3.1, 5.6.6)
// Written as `OWS *( ";" OWS [ parameter OWS ] )` so that no blank can be taken by two
// quantifiers: with `*( OWS ";" OWS [ parameter ] )` the blanks of `; ; ;` could go to either
// OWS and a failing match tried every split (exponential: 40 characters took minutes).
// The grammar is the same, except that it also accepts blanks after the last parameter, which
// a Fetch `Headers` has already trimmed.
const MEDIA_TYPE =
  /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*(?:;[ \t]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+=(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t \x21\x23-\x5B\x5D-\x7E\x80-\xFF]|\\[\t \x21-\x7E\x80-\xFF])*")[ \t]*)?)*$/
// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text  (RFC 9110 8.8.3)
const ENTITY_TAG = /^(?:W\/)?"[\x21\x23-\x7E\x80-\xFF]*"$/
// URI-reference characters: unreserved / reserved / pct-encoded  (RFC 3986 sections 2, 4.1)
const URI_REFERENCE = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/
// cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E   (RFC 6265 section 4.1.1)
const COOKIE_VALUE =
  /^(?:[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*|"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*")$/
// statuses whose response never has content (RFC 9110 sections 15.3.5, 15.3.6, 15.4.5)
const NULL_BODY = new Set([204, 205, 304])
// redirects that need a Location to be followed (RFC 9110 section 15.4)
const NEEDS_LOCATION = new Set([301, 302, 303, 307, 308])

/** Checks the status: 200-599 (what a server can send for an App), never a network error. */
export function checkStatus(response: Response): Finding[] {
  if (response.type === 'error' || response.status < 200 || response.status > 599)
    return [{ rule: 'status', message: `status ${response.status} is not a final status 200-599` }]
  return []
}

/** Checks every header field's name and value, and the hop-by-hop and CGI `Status` bans. */
export function checkFields(headers: Headers): Finding[] {
  const findings: Finding[] = []
  const fields: [string, string][] = []
  for (const [name, value] of headers) if (name !== 'set-cookie') fields.push([name, value])
  for (const value of headers.getSetCookie()) fields.push(['set-cookie', value])
  for (const [name, value] of fields) {
    if (!TOKEN.test(name))
      findings.push({
        rule: 'header-name',
        message: `header name ${JSON.stringify(name)} is not a token`,
      })
    else if (name.toLowerCase() === 'status')
      findings.push({
        rule: 'header-name',
        message: 'a Status header is CGI; give the status to the Response instead',
      })
    else if (HOP_BY_HOP.has(name.toLowerCase()))
      findings.push({
        rule: 'hop-by-hop-header',
        message: `${name} is connection-specific; the server sets it, an App must not`,
      })
    const bad = BAD_VALUE_CHAR.exec(value)
    if (bad)
      findings.push({
        rule: 'header-value',
        message: `${name} value contains control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} at offset ${bad.index}`,
      })
  }
  return findings
}

/** Checks each Set-Cookie: one cookie per field, valid name and value (RFC 6265 4.1.1). */
export function checkSetCookies(headers: Headers): Finding[] {
  const findings: Finding[] = []
  for (const value of headers.getSetCookie()) {
    const [pair = '', ...attributes] = value.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const cookieValue = pair.slice(eq + 1).trim()
    const folded =
      pair.includes(',') || attributes.some((a) => a.includes(',') && !/^\s*expires\s*=/i.test(a))
    if (folded)
      findings.push({
        rule: 'set-cookie',
        message: `Set-Cookie ${JSON.stringify(name)} holds a comma: cookies folded into one field? Send one Set-Cookie per cookie (headers.append)`,
      })
    else if (eq <= 0 || !TOKEN.test(name) || !COOKIE_VALUE.test(cookieValue))
      findings.push({
        rule: 'set-cookie',
        message: `Set-Cookie ${JSON.stringify(name)} does not start with a valid cookie-name=cookie-value`,
      })
  }
  return findings
}

/** Checks what depends on the status and method: bodies, Content-Type, Content-Length, Location, ETag. */
export function checkEntityHeaders(response: Response, method: string): Finding[] {
  const findings: Finding[] = []
  const { status, headers } = response
  const hasBody = response.body !== null
  if (hasBody && (method === 'HEAD' || NULL_BODY.has(status)))
    findings.push({
      rule: 'body-forbidden',
      message: `a ${method === 'HEAD' ? 'HEAD response' : `${status} response`} must have no body (use new Response(null, ...))`,
    })
  const type = headers.get('content-type')
  if (type !== null && status === 204)
    findings.push({
      rule: 'content-type',
      message: 'a 204 response has no content, so no Content-Type',
    })
  else if (type !== null && !MEDIA_TYPE.test(type))
    findings.push({
      rule: 'content-type',
      message: `Content-Type ${JSON.stringify(type)} is not a media-type`,
    })
  findings.push(...checkContentLength(response, method))
  const location = headers.get('location')
  if (location === null && NEEDS_LOCATION.has(status))
    findings.push({ rule: 'location', message: `a ${status} redirect needs a Location header` })
  else if (location !== null && !isUriReference(location))
    findings.push({
      rule: 'location',
      message: `Location ${JSON.stringify(location.split('?', 1)[0])}${location.includes('?') ? '?…' : ''} is not an absolute URL or a valid URI-reference (percent-encode it)`,
    })
  const etag = headers.get('etag')
  if (etag !== null && !ENTITY_TAG.test(etag))
    findings.push({
      rule: 'etag',
      message: `ETag ${JSON.stringify(etag)} is not a quoted entity-tag ("x" or W/"x")`,
    })
  return findings
}

function checkContentLength(response: Response, method: string): Finding[] {
  const length = response.headers.get('content-length')
  if (length === null) return []
  if (response.status === 204)
    return [{ rule: 'content-length', message: 'a 204 response must not send Content-Length' }]
  if (!CONTENT_LENGTH.test(length))
    return [
      {
        rule: 'content-length',
        message: `Content-Length ${JSON.stringify(length)} is not one decimal number`,
      },
    ]
  // HEAD and 304 describe the representation a GET would send; the body is empty by design
  if (
    response.body === null &&
    method !== 'HEAD' &&
    response.status !== 304 &&
    Number(length) !== 0
  )
    return [
      {
        rule: 'content-length',
        message: `Content-Length is ${length} but the response has no body`,
      },
    ]
  return []
}

/**
 * Tells whether a value is a valid URI-reference that resolves (RFC 3986 section 4.1): what a
 * Location header may hold.
 *
 * @example
 * isUriReference('/a%20b?x=1') // true
 * isUriReference('/a b')       // false: percent-encode the space
 */
export function isUriReference(value: string): boolean {
  if (!URI_REFERENCE.test(value)) return false
  if (value.indexOf('#') !== value.lastIndexOf('#')) return false
  try {
    new URL(value, 'http://base.invalid/')
    return true
  } catch {
    return false
  }
}
