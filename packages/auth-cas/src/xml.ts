/*
 * Reading the CAS server's XML: validation responses (CAS 2.0 / 3.0 protocol, sections 2.5
 * and 2.7), proxy responses (2.7) and SAML single-logout requests. No DTD, no entities:
 * a document with a DOCTYPE or ENTITY declaration is refused before parsing, the parser's
 * entity processing is off, and only the five predefined XML entities and character
 * references are decoded afterwards (a single pass, no expansion).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'

/** What a successful ticket validation says. */
export interface CasSuccess {
  ok: true
  /** The authenticated user. */
  user: string
  /** CAS 3.0 attributes, every value as a list. */
  attributes: Record<string, string[]>
  /** The proxy-granting ticket IOU, when a pgtUrl was given. */
  pgtIou: string | undefined
  /** The proxies a proxy ticket went through, nearest first. */
  proxies: string[]
}

/** What a failed validation says (the server's code, such as `INVALID_TICKET`). */
export interface CasFailure {
  ok: false
  code: string
}

/**
 * Thrown when the server's answer is not a well-formed CAS document.
 *
 * @example
 * try { parseServiceResponse(xml) } catch (e) { if (e instanceof CasProtocolError) log(e.message) }
 */
export class CasProtocolError extends Error {
  override readonly name = 'CasProtocolError'
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 32,
  isArray: (_name, jpath) =>
    typeof jpath === 'string' &&
    (jpath.startsWith('serviceResponse.authenticationSuccess.attributes.') ||
      jpath === 'serviceResponse.authenticationSuccess.attribute' ||
      jpath === 'serviceResponse.authenticationSuccess.proxies.proxy'),
})

// Markup declarations that could define entities or fetch external subsets (XML 1.0 2.8).
const DECLARATION = /<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i

/** Parses an XML document from an untrusted server, refusing DTDs. */
export function parseXml(text: string): Record<string, unknown> {
  if (DECLARATION.test(text)) throw new CasProtocolError('XML with a DTD or entity declaration')
  if (XMLValidator.validate(text) !== true) throw new CasProtocolError('malformed XML')
  let tree: unknown
  try {
    tree = parser.parse(text)
  } catch (error) {
    // too deep, a reserved property name (__proto__), or anything else the parser refuses
    throw new CasProtocolError('unparsable XML', { cause: error })
  }
  if (typeof tree !== 'object' || tree === null) throw new CasProtocolError('empty XML')
  return tree as Record<string, unknown>
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/**
 * Decodes the predefined entities and character references (XML 1.0 4.1, 4.6), once.
 *
 * @example
 * decodeXmlText('a &lt; b &amp;amp;') // 'a < b &amp;'
 */
export function decodeXmlText(text: string): string {
  return text.replace(
    /&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));/g,
    (m, hex, dec, name) => {
      if (name) return PREDEFINED[name]!
      const code = Number.parseInt(hex ?? dec, hex ? 16 : 10)
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : m
    },
  )
}

/** The text of a parsed element (`{ '#text': ... }` when it also has attributes). */
function text(node: unknown): string | undefined {
  if (typeof node === 'string') return decodeXmlText(node)
  if (typeof node === 'object' && node !== null && '#text' in node)
    return text((node as Record<string, unknown>)['#text'])
  if (node === '' || (typeof node === 'object' && node !== null)) return ''
  return undefined
}

function element(node: unknown, name: string): unknown {
  return typeof node === 'object' && node !== null
    ? (node as Record<string, unknown>)[name]
    : undefined
}

/**
 * Reads a `/serviceValidate`, `/proxyValidate` or `/p3/...` response.
 *
 * @example
 * parseServiceResponse(xml) // { ok: true, user: 'alice', attributes: { email: ['a@x'] }, ... }
 */
export function parseServiceResponse(xml: string): CasSuccess | CasFailure {
  const response = element(parseXml(xml), 'serviceResponse')
  if (response === undefined) throw new CasProtocolError('no serviceResponse')
  const failure = element(response, 'authenticationFailure')
  if (failure !== undefined)
    return { ok: false, code: String(element(failure, '@code') ?? 'UNKNOWN') }
  const success = element(response, 'authenticationSuccess')
  const user = text(element(success, 'user'))
  if (!user) throw new CasProtocolError('no user in authenticationSuccess')
  const proxies = (element(element(success, 'proxies'), 'proxy') as unknown[] | undefined) ?? []
  return {
    ok: true,
    user,
    attributes: readAttributes(success),
    pgtIou: text(element(success, 'proxyGrantingTicket')) || undefined,
    proxies: proxies.map((p) => text(p) ?? '').filter(Boolean),
  }
}

function readAttributes(success: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null)
  const attributes = element(success, 'attributes')
  if (typeof attributes === 'object' && attributes !== null) {
    for (const [name, values] of Object.entries(attributes)) {
      if (name.startsWith('@') || name === '#text') continue
      out[name] = (values as unknown[]).map((v) => text(v) ?? '')
    }
    return out
  }
  // the name/value form some servers send instead (<cas:attribute name=".." value=".."/>)
  for (const a of (element(success, 'attribute') as unknown[] | undefined) ?? []) {
    const name = element(a, '@name')
    const value = element(a, '@value')
    if (typeof name !== 'string' || typeof value !== 'string') continue
    ;(out[decodeXmlText(name)] ??= []).push(decodeXmlText(value))
  }
  return out
}

/**
 * Reads a `/proxy` response: the proxy ticket, or the failure code.
 *
 * @example
 * parseProxyResponse(xml) // { ok: true, ticket: 'PT-1-...' }
 */
export function parseProxyResponse(
  xml: string,
): { ok: true; ticket: string } | { ok: false; code: string } {
  const response = element(parseXml(xml), 'serviceResponse')
  const failure = element(response, 'proxyFailure')
  if (failure !== undefined)
    return { ok: false, code: String(element(failure, '@code') ?? 'UNKNOWN') }
  const ticket = text(element(element(response, 'proxySuccess'), 'proxyTicket'))
  if (!ticket) throw new CasProtocolError('no proxyTicket in proxySuccess')
  return { ok: true, ticket }
}

/**
 * Reads the service ticket out of a SAML `LogoutRequest` (CAS protocol 2.3.3): the
 * `SessionIndex`. Returns `undefined` for anything else.
 *
 * @example
 * parseLogoutRequest('<samlp:LogoutRequest ...><samlp:SessionIndex>ST-1</samlp:SessionIndex>...')
 */
export function parseLogoutRequest(xml: string): string | undefined {
  try {
    const request = element(parseXml(xml), 'LogoutRequest')
    return text(element(request, 'SessionIndex')) || undefined
  } catch {
    return undefined
  }
}
