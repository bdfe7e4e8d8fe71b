/*
 * Hostile input. The HTML is read back with a real HTML parser (parse5, as browsers parse),
 * the generated JavaScript is run in a sandbox with stubbed window.open/confirm/location, and
 * the hrefs are read back with the WHATWG URL parser: whatever the input, it must come back
 * as the same data, in the same place, and nothing else may appear.
 */
import { runInNewContext } from 'node:vm'
import fc from 'fast-check'
import { type DefaultTreeAdapterMap, parseFragment } from 'parse5'
import { describe, expect, test } from 'vitest'
import { Button, Image, Url } from './index.js'

type Element = DefaultTreeAdapterMap['element']
type Node = DefaultTreeAdapterMap['childNode']

/** The elements of a fragment, depth first. */
function elements(html: string): Element[] {
  const found: Element[] = []
  const walk = (nodes: Node[]) => {
    for (const node of nodes)
      if ('tagName' in node) {
        found.push(node)
        walk(node.childNodes)
      }
  }
  walk(parseFragment(html).childNodes as Node[])
  return found
}

/** The one element `html` must be; fails the test otherwise. */
function only(html: string): Element {
  const all = elements(html)
  expect(all.map((e) => e.tagName)).toHaveLength(1)
  return all[0]!
}

const attrsOf = (e: Element) => Object.fromEntries(e.attrs.map((a) => [a.name, a.value]))
const textOf = (e: Element) =>
  e.childNodes.map((n) => ('value' in n && n.nodeName === '#text' ? n.value : '')).join('')

const wellFormed = (s: string) => (s as unknown as { toWellFormed(): string }).toWellFormed()
/** What an HTML parser gives back for text in an attribute value (input stream preprocessing). */
const asAttribute = (s: string) => wellFormed(s).replace(/\r\n?/g, '\n').replaceAll('\0', '\uFFFD')
/** ... and for text content (NUL characters are dropped in body). */
const asText = (s: string) => wellFormed(s).replace(/\r\n?/g, '\n').replaceAll('\0', '')

/** Strings rich in what breaks HTML, JavaScript and URLs, and any UTF-16 unit (lone surrogates). */
const nasty = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '"',
      "'",
      '<',
      '>',
      '&',
      '`',
      '\\',
      '/',
      '=',
      ' ',
      '\t',
      '\r',
      '\n',
      '\0',
      '\u2028',
      '\u2029',
      '\ud800',
      '\udfff',
      '%',
      '#',
      '?',
      ':',
      ';',
      '(',
      ')',
      '{',
      '}',
      '</script>',
      '"><img src=x onerror=alert(1)>',
      "');alert(1);('",
      '&quot;',
      '&#x27;',
      'javascript:',
    ),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  ),
  maxLength: 40,
})

const HREF_TEXT = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/

const XSS = '"><img src=x onerror=alert(1)><script>alert(1)</script>'

describe('attribute values and content are escaped', () => {
  test('the classic breakouts stay inside their attribute and text', () => {
    const html = new Url('/x')
      .attr({ title: XSS, class: "a' onmouseover='x" })
      .param({ content: XSS }).html
    const a = only(html)
    expect(attrsOf(a)).toEqual({ href: '/x', title: XSS, class: "a' onmouseover='x" })
    expect(textOf(a)).toBe(XSS)
    expect(html).not.toMatch(/<script|<img/)
  })

  test('any value and any content come back unchanged (property, 300 runs)', () => {
    fc.assert(
      fc.property(nasty, nasty, nasty, (title, anyContent, alt) => {
        const content = anyContent === '' ? 'x' : anyContent // a link needs content
        const a = only(new Url('/x').attr({ title, 'data-v': content }).param({ content }).html)
        expect(attrsOf(a)).toEqual({
          href: '/x',
          title: asAttribute(title),
          'data-v': asAttribute(content),
        })
        expect(textOf(a)).toBe(asText(content))
        const img = only(new Image('/i').attr({ alt }).html)
        expect(attrsOf(img)).toEqual({ src: '/i', alt: asAttribute(alt) })
      }),
      { numRuns: 300 },
    )
  })

  test('CR, LF and control characters stay inside the attribute', () => {
    const title = 'a\r\nb\u0001c\u001f\u007f'
    const a = only(new Url('/x').attr({ title }).param({ content: 'x' }).html)
    expect(attrsOf(a).title).toBe('a\nb\u0001c\u001f\u007f')
  })

  test('lone surrogates become U+FFFD (the page stays valid UTF-16, hence valid UTF-8)', () => {
    const html = new Url('/x').attr({ title: '\ud800x' }).param({ content: 'y\udc00' }).html
    expect(html).toBe('<a href="/x" title="\ufffdx">y\ufffd</a>')
  })

  test('trustedContentHtml is the one way in for markup, and only in the content', () => {
    const a = only(
      new Url('/x').param({ trustedContentHtml: '<b>x</b>' }).html.replace('<b>x</b>', ''),
    )
    expect(a.tagName).toBe('a')
    expect(
      elements(new Url('/x').param({ trustedContentHtml: '<b>x</b>' }).html).map((e) => e.tagName),
    ).toEqual(['a', 'b'])
  })
})

describe('attribute names are plain names or refused', () => {
  test('names that would inject an attribute or end the tag are refused', () => {
    const bad = [
      'onclick x',
      'a"b',
      "a'b",
      'a>b',
      'a=b',
      'a/b',
      'x onmouseover=alert(1)',
      '"><script>',
      '',
      ' ',
      'a\nb',
      'a\tb',
      'a\0b',
      '1x',
      '-x',
      'é',
      'a\u2028',
      'x'.repeat(257),
    ]
    for (const name of bad)
      expect(() => new Url('/x').attr({ [name]: 'v' }), JSON.stringify(name)).toThrow(
        /@paste\/url: .* is not a plain attribute name/,
      )
  })

  test('any name either is refused or comes back as exactly one attribute (property)', () => {
    fc.assert(
      fc.property(fc.oneof(nasty, fc.stringMatching(/^[a-z][a-z0-9:_.-]{0,10}$/)), (name) => {
        let html: string
        try {
          html = new Url('/x').attr({ [name]: 'v' }).param({ content: 'x' }).html
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError)
          return
        }
        const a = only(html)
        expect(a.attrs.map((x) => x.name)).toEqual(
          name.toLowerCase() === 'href' ? ['href', 'href'] : ['href', name.toLowerCase()],
        )
      }),
      { numRuns: 300 },
    )
  })
})

describe('javascript:, vbscript: and data: URLs are refused by default', () => {
  const refused = [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    '\u0000\u0001 javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'java\r\nscript:alert(1)',
    'javascript\t:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'DATA:image/svg+xml;base64,PHN2Zz4=',
  ]

  test('as the URL of any kind', () => {
    for (const url of refused) {
      expect(() => new Url(url), JSON.stringify(url)).toThrow(/@paste\/url: refusing a \w+: URL/)
      expect(() => new Image(url), JSON.stringify(url)).toThrow(TypeError)
      expect(() => new Button(url), JSON.stringify(url)).toThrow(TypeError)
    }
  })

  test('as the value of an attribute that holds a URL', () => {
    const u = new Url('/x')
    for (const name of ['href', 'src', 'formaction', 'action', 'poster', 'xlink:href', 'cite'])
      expect(() => u.attr({ [name]: 'javascript:alert(1)' }), name).toThrow(/in the .* attribute/)
    expect(() => u.button.attr({ formAction: ' data:text/html,x' })).toThrow(TypeError)
    expect(u.attr({ title: 'javascript:alert(1)' }).attrs).toEqual([
      ['title', 'javascript:alert(1)'],
    ])
  })

  test('the error does not repeat the URL', () => {
    expect(() => new Url('javascript:SECRET')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('SECRET') }),
    )
  })

  test('allowSchemes opts in, per scheme, and is kept by derived URLs', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo='
    const img = new Image(png, { allowSchemes: ['data'] })
    expect(img.attr({ alt: 'dot' }).html).toBe(`<img src="${png}" alt="dot" />`)
    expect(() => new Image('javascript:x', { allowSchemes: ['data'] })).toThrow(TypeError)
    const js = new Url('javascript:void(0)', { allowSchemes: ['javascript'] })
    expect(js.param({ content: 'x' }).html).toBe('<a href="javascript:void(0)">x</a>')
    expect(new Url('/', { allowSchemes: ['data'] }).attr({ poster: png }).allowSchemes).toEqual([
      'data',
    ])
  })

  test('look-alikes that browsers do not run are relative URLs and pass', () => {
    for (const url of [
      'javascript',
      '/javascript:alert(1)',
      './javascript:x',
      '&#106;avascript:alert(1)',
      'java%09script:x',
      'javascriptx/a',
    ]) {
      const a = only(new Url(url).param({ content: 'x' }).html)
      expect(new URL(attrsOf(a).href!, 'http://h/').protocol, url).toBe('http:')
    }
  })

  test('whatever the URL, a rendered link never points at a refused scheme (property)', () => {
    const prefixed = fc.tuple(
      fc.constantFrom(
        '',
        ' ',
        '\t',
        'java',
        'javascript:',
        'JAVA\tSCRIPT:',
        'data:',
        'vbscript:',
        '&#x6a;avascript:',
        '\u0000javascript:',
        'http://h/',
        '//',
        '/\\',
      ),
      nasty,
    )
    fc.assert(
      fc.property(prefixed, ([prefix, rest]) => {
        let html: string
        try {
          html = new Url(prefix + rest).param({ content: 'x' }).html
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError)
          return
        }
        const href = attrsOf(only(html)).href!
        expect(href).toMatch(HREF_TEXT)
        // a URL that does not parse ('//' has no host) is not followed at all
        if (!URL.canParse(href, 'http://h/')) return
        const protocol = new URL(href, 'http://h/').protocol
        expect(['javascript:', 'vbscript:', 'data:']).not.toContain(protocol)
      }),
      { numRuns: 500 },
    )
  })
})

describe('generated JavaScript carries its data as inert string literals', () => {
  /** Runs an onclick value in a sandbox; returns what it called and what it returned. */
  function run(onclick: string, answer = true) {
    const calls: unknown[][] = []
    const location = { href: '' }
    const sandbox = {
      confirm: (message: string) => {
        calls.push(['confirm', message])
        return answer
      },
      window: { open: (...args: unknown[]) => calls.push(['open', ...args]) },
      location,
    }
    const result = runInNewContext(`(function () { ${onclick} \n})()`, sandbox, { timeout: 1000 })
    return { calls, href: location.href, result }
  }

  test('a button: confirm gets the question, location.href the URL, nothing else runs (property)', () => {
    fc.assert(
      fc.property(nasty, nasty, nasty, (segment, value, question) => {
        const safeSegment = segment.replaceAll('/', '_').replace(/^\.\.?$/, '_')
        const b = new Url('/')
          .addPath(safeSegment)
          .var({ v: value })
          .button.param({ confirm: question || '?', content: 'b' })
        const onclick = attrsOf(only(b.html)).onclick!
        const { calls, href, result } = run(onclick)
        expect(calls).toEqual([['confirm', question || '?']])
        expect(href).toBe(b.href)
        expect(result).toBe(false)
        // the URL went through the parser intact
        const parsed = new URL(href, 'http://h')
        expect(parsed.searchParams.get('v')).toBe(wellFormed(value))
        expect(decodeURIComponent(parsed.pathname.slice(1))).toBe(wellFormed(safeSegment))
      }),
      { numRuns: 300 },
    )
  })

  test('a declined confirm does not navigate', () => {
    const b = new Url('/del').button.param({ confirm: 'Sure?', content: 'x' })
    const { calls, href } = run(attrsOf(only(b.html)).onclick!, false)
    expect(calls).toEqual([['confirm', 'Sure?']])
    expect(href).toBe('')
  })

  test('a link with confirm returns what confirm answered', () => {
    const a = new Url('/x').param({ confirm: XSS, content: 'x' })
    expect(run(attrsOf(only(a.html)).onclick!, false)).toMatchObject({
      calls: [['confirm', XSS]],
      result: false,
    })
    expect(run(attrsOf(only(a.html)).onclick!, true).result).toBe(true)
  })

  test('a popup: window.open gets exactly the URL, the target and the features (property)', () => {
    fc.assert(
      fc.property(nasty, nasty, fc.nat(5000), (value, target, width) => {
        const p = new Url('/p')
          .var({ q: value })
          .jsPopup.param({ content: 'p', target: target || 't', width })
        const a = attrsOf(only(p.html))
        const { calls, result } = run(a.onclick!)
        const features = width > 0 ? [`width=${width}`] : []
        expect(calls).toEqual([['open', p.href, target || 't', ...features]])
        expect(result).toBe(false)
        expect(a.target).toBe(asAttribute(target || 't'))
        expect(a.href).toBe(p.href)
      }),
      { numRuns: 300 },
    )
  })

  test('onclickGoto is inert inside a <script> block too (no <, >, & or U+2028 raw)', () => {
    const u = new Url('/x').var({ q: '</script><script>alert(1)</script>\u2028&' })
    expect(u.onclickGoto).not.toMatch(/[<>&\u2028]/)
    expect(run(u.onclickGoto).href).toBe(u.href)
  })
})

describe('hrefs are plain ASCII URL text and read back as the data given', () => {
  test('any vars, segments and fragment (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(nasty, nasty), { maxLength: 5 }),
        fc.array(
          nasty.filter((s) => !s.includes('/') && s !== '.' && s !== '..' && s !== ''),
          { maxLength: 4 },
        ),
        nasty,
        (vars, segments, fragment) => {
          const u = new Url('http://h/base')
            .addPath(...segments)
            .var(vars)
            .withFragment(fragment)
          expect(u.href).toMatch(HREF_TEXT)
          const parsed = new URL(u.href)
          expect([...parsed.searchParams]).toEqual(
            vars.map(([n, v]) => [wellFormed(n), wellFormed(v)]),
          )
          expect(parsed.pathname.split('/').slice(2).map(decodeURIComponent)).toEqual(
            segments.map(wellFormed),
          )
          expect(parsed.origin).toBe('http://h')
        },
      ),
      { numRuns: 300 },
    )
  })

  test('lone surrogates in query names and values become U+FFFD, percent-encoded', () => {
    const u = new Url('/').var([
      ['\udc00n', 'v\ud800'],
      ['ok', '\ud83d\ude00'],
    ])
    expect(u.href).toBe('/?%EF%BF%BDn=v%EF%BF%BD&ok=%F0%9F%98%80')
    expect(new Url('/').addPath('\ud800').href).toBe('/%EF%BF%BD')
    expect(new Url('/\udfff').href).toBe('/%EF%BF%BD')
  })

  test('CR/LF in any part is percent-encoded, never raw', () => {
    const u = new Url('/a\r\n')
      .addPath('b\r\nSet-Cookie: x')
      .var({ 'c\n': 'd\r' })
      .withFragment('\n')
    expect(u.href).toBe('/a%0D%0A/b%0D%0ASet-Cookie%3A%20x?c%0A=d%0D#%0A')
  })
})

describe('huge inputs', () => {
  test('a megabyte of content, attribute and query value renders, escaped, in linear time', () => {
    const big = '<"&\''.repeat(256 * 1024)
    const html = new Url('/x').var({ q: big }).attr({ title: big }).param({ content: big }).html
    expect(html.length).toBeGreaterThan(4 * 1024 * 1024)
    expect(html).not.toMatch(/<"/)
    const a = only(html)
    expect(attrsOf(a).title).toBe(big)
    expect(textOf(a)).toBe(big)
  })

  test('twenty thousand vars and ten thousand segments', () => {
    const vars = Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i] as const)
    const u = new Url('/').var(vars).addPath(...Array.from({ length: 10_000 }, (_, i) => `s${i}`))
    const parsed = new URL(u.href, 'http://h')
    expect([...parsed.searchParams]).toHaveLength(20_000)
    expect(parsed.pathname.split('/')).toHaveLength(10_001)
  })

  test('two hundred thousand vars given at once (no argument-spread limits)', () => {
    const pairs = Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i] as const)
    const u = new Url('/?first=1', { vars: pairs }).var(pairs).setVar({ k5: 'x' })
    expect(u.vars).toHaveLength(1 + 2 * 200_000 - 1)
    expect(u.vars.at(-1)).toEqual(['k5', 'x'])
  })

  test('a huge URL of control characters before a scheme is still seen as that scheme', () => {
    expect(() => new Url(`${'\u0001'.repeat(100_000)}javascript:x`)).toThrow(TypeError)
    expect(() => new Url(`java${'\t'.repeat(100_000)}script:x`)).toThrow(TypeError)
  })

  test('a huge attribute or tag name is refused without echoing it whole', () => {
    const name = 'a'.repeat(1_000_000)
    expect(() => new Url('/').attr({ [name]: 'x' })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^.{0,200}$/) }),
    )
    expect(() => new Url('/').param({ tag: name })).toThrow(TypeError)
  })
})
