import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  CasProtocolError,
  decodeXmlText,
  parseLogoutRequest,
  parseProxyResponse,
  parseServiceResponse,
} from './xml.js'

const success = (inner: string) =>
  `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess>${inner}</cas:authenticationSuccess></cas:serviceResponse>`

describe('parseServiceResponse', () => {
  test('CAS 3.0 success with attributes, entities decoded once', () => {
    const xml = success(`
      <cas:user>alice</cas:user>
      <cas:attributes>
        <cas:email>alice@example.org</cas:email>
        <cas:alias>al</cas:alias><cas:alias>ally</cas:alias>
        <cas:note>a &lt; b &amp; &quot;c&quot; &amp;lt; &#233;&#x263A;</cas:note>
        <cas:empty/>
      </cas:attributes>
      <cas:proxyGrantingTicket>PGTIOU-84678-8a9d</cas:proxyGrantingTicket>`)
    expect(parseServiceResponse(xml)).toEqual({
      ok: true,
      user: 'alice',
      attributes: {
        email: ['alice@example.org'],
        alias: ['al', 'ally'],
        note: ['a < b & "c" &lt; é☺'],
        empty: [''],
      },
      pgtIou: 'PGTIOU-84678-8a9d',
      proxies: [],
    })
  })

  test('the name/value attribute form, and proxies', () => {
    const xml = success(`<cas:user>bob</cas:user>
      <cas:attribute name="email" value="b@x.org"/><cas:attribute name="role" value="a &amp; b"/>
      <cas:attribute name="role" value="c"/>
      <cas:proxies><cas:proxy>https://p1/cb</cas:proxy><cas:proxy>https://p2/cb</cas:proxy></cas:proxies>`)
    expect(parseServiceResponse(xml)).toMatchObject({
      user: 'bob',
      attributes: { email: ['b@x.org'], role: ['a & b', 'c'] },
      proxies: ['https://p1/cb', 'https://p2/cb'],
    })
  })

  test('any namespace prefix works', () => {
    const xml = `<x:serviceResponse xmlns:x="http://www.yale.edu/tp/cas"><x:authenticationSuccess><x:user>carol</x:user></x:authenticationSuccess></x:serviceResponse>`
    expect(parseServiceResponse(xml)).toMatchObject({ ok: true, user: 'carol' })
  })

  test('failure carries the code', () => {
    const xml = `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationFailure code="INVALID_TICKET">Ticket ST-1 not recognized</cas:authenticationFailure></cas:serviceResponse>`
    expect(parseServiceResponse(xml)).toEqual({ ok: false, code: 'INVALID_TICKET' })
  })

  test.each([
    [
      'a DOCTYPE (billion laughs)',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>${success('<cas:user>&lol2;</cas:user>')}`,
    ],
    [
      'an external entity (XXE)',
      `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${success('<cas:user>&x;</cas:user>')}`,
    ],
    ['a lower-case doctype', `<!doctype x>${success('<cas:user>a</cas:user>')}`],
    ['malformed XML', '<cas:serviceResponse><cas:authenticationSuccess>'],
    ['not XML at all', 'yes\nalice\n'],
    ['an HTML error page', '<html><body>Bad Gateway</body></html>'],
    ['no user', success('<cas:attributes/>')],
    ['an empty user', success('<cas:user></cas:user>')],
    ['two users', success('<cas:user>a</cas:user><cas:user>b</cas:user>')],
    ['deep nesting', `${'<a>'.repeat(200)}${'</a>'.repeat(200)}`],
    ['empty', ''],
  ])('%s is a protocol error', (_name, xml) => {
    expect(() => parseServiceResponse(xml)).toThrow(CasProtocolError)
  })

  test('a dangerous attribute name is refused, and attributes have no prototype', () => {
    const xml = success(
      '<cas:user>a</cas:user><cas:attributes><cas:__proto__>x</cas:__proto__><cas:constructor>y</cas:constructor></cas:attributes>',
    )
    expect(() => parseServiceResponse(xml)).toThrow(CasProtocolError)
    expect(({} as Record<string, unknown>).x).toBeUndefined()
    const ok = parseServiceResponse(
      success(
        '<cas:user>a</cas:user><cas:attributes><cas:toString>y</cas:toString></cas:attributes>',
      ),
    )
    expect(ok.ok && Object.getPrototypeOf(ok.attributes)).toBeNull()
    expect(ok.ok && ok.attributes.__toString).toEqual(['y']) // the parser renames Object.prototype names
  })

  test('arbitrary input only ever throws CasProtocolError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ maxLength: 50 }).map((s) => success(s)),
        ),
        (xml) => {
          try {
            parseServiceResponse(xml)
          } catch (error) {
            return error instanceof CasProtocolError
          }
          return true
        },
      ),
    )
  })
})

describe('parseProxyResponse', () => {
  test('success and failure', () => {
    expect(
      parseProxyResponse(
        `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:proxySuccess><cas:proxyTicket>PT-1-abc</cas:proxyTicket></cas:proxySuccess></cas:serviceResponse>`,
      ),
    ).toEqual({ ok: true, ticket: 'PT-1-abc' })
    expect(
      parseProxyResponse(
        `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:proxyFailure code="INVALID_REQUEST">no</cas:proxyFailure></cas:serviceResponse>`,
      ),
    ).toEqual({ ok: false, code: 'INVALID_REQUEST' })
  })
})

describe('parseLogoutRequest', () => {
  test('reads the SessionIndex of a SAML LogoutRequest', () => {
    const xml = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 ID="x" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">
<saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"></saml:NameID>
<samlp:SessionIndex>ST-abc123</samlp:SessionIndex>
</samlp:LogoutRequest>`
    expect(parseLogoutRequest(xml)).toBe('ST-abc123')
  })
  test.each([
    '',
    'ST-1',
    '<x/>',
    '<!DOCTYPE x><samlp:LogoutRequest><samlp:SessionIndex>ST-1</samlp:SessionIndex></samlp:LogoutRequest>',
    '<LogoutRequest><SessionIndex/></LogoutRequest>',
  ])('%j is not a logout request', (xml) => {
    expect(parseLogoutRequest(xml)).toBeUndefined()
  })
})

describe('decodeXmlText', () => {
  test('decodes once, leaves unknown and invalid references alone', () => {
    expect(
      decodeXmlText('&amp;amp; &lt;&gt; &apos;&quot; &#65;&#x42; &nbsp; &#0; &#xD800; &#1114112;'),
    ).toBe(`&amp; <> '" AB &nbsp; &#0; &#xD800; &#1114112;`)
  })
})
