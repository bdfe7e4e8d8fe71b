import { describe, expect, test } from 'vitest'
import { Button, Image, JsPopup, Url } from './index.js'

describe('immutability', () => {
  test('every method returns a new object and leaves the original as it was', () => {
    const u = new Url('/a')
    const changed = u.var({ q: 1 }).addPath('b').attr({ id: 'x' }).param({ content: 'c' })
    expect(u.href).toBe('/a')
    expect(u.attrs).toEqual([])
    expect(u.params).toEqual({})
    expect(changed.href).toBe('/a/b?q=1')
    expect(changed).not.toBe(u)
  })

  test('objects and their lists are frozen', () => {
    const u = new Url('/a').var({ q: 1 })
    expect(Object.isFrozen(u)).toBe(true)
    expect(Object.isFrozen(u.vars)).toBe(true)
    expect(Object.isFrozen(u.attr({ id: 'x' }).attrs)).toBe(true)
    expect(Object.isFrozen(u.param({ content: 'x' }).params)).toBe(true)
    expect(() => {
      ;(u as { base: string }).base = '/evil'
    }).toThrow(TypeError)
  })

  test("the caller's objects are not changed or kept", () => {
    const vars = { a: [1, 2] }
    const attrs = { class: 'x' }
    const u = new Url('/', { vars, attrs })
    vars.a.push(3)
    attrs.class = 'y'
    expect(u.href).toBe('/?a=1&a=2')
    expect(u.attrs).toEqual([['class', 'x']])
  })
})

describe('the base URL', () => {
  test("'' is '/', as in Paste", () => {
    expect(new Url('').href).toBe('/')
    expect(new Url().href).toBe('/')
  })

  test('its query becomes vars (before the ones given) and its fragment is kept after the query', () => {
    const u = new Url('http://h/p?a=1&b=two#top', { vars: { c: 3 } })
    expect(u.base).toBe('http://h/p')
    expect(u.vars).toEqual([
      ['a', '1'],
      ['b', 'two'],
      ['c', '3'],
    ])
    expect(u.var({ d: 4 }).href).toBe('http://h/p?a=1&b=two&c=3&d=4#top')
    expect(u.addPath('x').href).toBe('http://h/p/x?a=1&b=two&c=3#top')
    expect(u.withFragment('s 2').href).toBe('http://h/p?a=1&b=two&c=3#s%202')
    expect(u.withFragment(undefined).href).toBe('http://h/p?a=1&b=two&c=3')
    expect(new Url('/p', { fragment: 'a#b' }).href).toBe('/p#a%23b')
  })

  test('characters that cannot stand in a URL are percent-encoded; valid escapes are kept', () => {
    expect(new Url('/a b/ü/%41/100%').href).toBe('/a%20b/%C3%BC/%41/100%25')
    expect(new Url('/a"b<c>').href).toBe('/a%22b%3Cc%3E')
    // browsers read a backslash as a slash: /\evil.com would be //evil.com
    expect(new Url('/\\evil.com').href).toBe('/%5Cevil.com')
    expect(new Url('/a\r\nb\tc\u0000').href).toBe('/a%0D%0Ab%09c%00')
  })
})

describe('addPath', () => {
  const u = new Url('/files')

  test('percent-encodes each segment', () => {
    expect(u.addPath('My Docs', 'ü', 'a?b#c', '100%', 'x&y=z').href).toBe(
      '/files/My%20Docs/%C3%BC/a%3Fb%23c/100%25/x%26y%3Dz',
    )
    expect(u.addPath(42, 1.5).href).toBe('/files/42/1.5')
  })

  test('a slash separates segments; leading and doubled slashes are dropped; a trailing one is kept', () => {
    expect(u.addPath('a/b.txt').href).toBe('/files/a/b.txt')
    expect(u.addPath('//a//b').href).toBe('/files/a/b')
    expect(u.addPath('dir/').href).toBe('/files/dir/')
    expect(u.addPath('').href).toBe('/files/')
    expect(new Url('/files/').addPath('x').href).toBe('/files/x')
    expect(new Url('http://h').addPath('x').href).toBe('http://h/x')
  })

  test('"." and ".." segments are refused, "..." and "%2e%2e" (encoded) are not', () => {
    for (const bad of ['..', '.', 'a/../b', '../x', 'a/.', '/..'])
      expect(() => u.addPath(bad), bad).toThrow(/@paste\/url: a "\.\.?" path segment is refused/)
    expect(u.addPath('...').href).toBe('/files/...')
    expect(u.addPath('%2e%2e').href).toBe('/files/%252e%252e')
    expect(u.addPath('.hidden', 'a..b').href).toBe('/files/.hidden/a..b')
  })

  test('only strings and numbers', () => {
    expect(() => u.addPath({} as never)).toThrow(TypeError)
    expect(() => u.addPath(null as never)).toThrow(TypeError)
  })
})

describe('query variables', () => {
  test('scalars are written with String(); arrays give one pair per element', () => {
    expect(new Url('/').var({ n: 1.5, t: true, f: false, big: 10n, s: ['a', 'b'] }).href).toBe(
      '/?n=1.5&t=true&f=false&big=10&s=a&s=b',
    )
  })

  test('names and values are form-encoded (space as +)', () => {
    expect(new Url('/').var([['a b&c', 'x=y+z ü']]).href).toBe('/?a+b%26c=x%3Dy%2Bz+%C3%BC')
  })

  test('pairs accept any iterable, a Map included', () => {
    expect(
      new Url('/').var(
        new Map([
          ['b', 1],
          ['a', 2],
        ]),
      ).href,
    ).toBe('/?b=1&a=2')
  })

  test('objects and functions as values, and malformed pairs, are refused', () => {
    expect(() => new Url('/').var({ a: {} as never })).toThrow(/query variable "a"/)
    expect(() => new Url('/').var({ a: [() => 1] as never })).toThrow(TypeError)
    expect(() => new Url('/').var([['a']] as never)).toThrow(/pair/)
    expect(() => new Url('/').var([[1, 'a']] as never)).toThrow(/pair/)
    expect(() => new Url('/').var('a=1' as never)).toThrow(TypeError)
  })
})

describe('attributes', () => {
  const u = new Url('/x').param({ content: 'x' })

  test('in order after the generated ones; true is bare; false/null/undefined remove', () => {
    const a = u.attr({ class: 'nav', hidden: true, tabindex: 2 })
    expect(a.html).toBe('<a href="/x" class="nav" hidden tabindex="2">x</a>')
    expect(a.attr({ hidden: false, class: null, tabindex: undefined }).html).toBe(
      '<a href="/x">x</a>',
    )
  })

  test('names are case-insensitive (lower-cased), so a later one replaces an earlier one', () => {
    expect(u.attr({ Class: 'a' }).attr({ CLASS: 'b' }).html).toBe('<a href="/x" class="b">x</a>')
    expect(u.attr({ 'data-X': '1', 'aria-label': 'l', 'xml:lang': 'en' }).html).toBe(
      '<a href="/x" data-x="1" aria-label="l" xml:lang="en">x</a>',
    )
  })

  test('an attribute the kind generates cannot also be set', () => {
    expect(() => u.attr({ href: '/other' }).html).toThrow(/href attribute of <a> is generated/)
    expect(() => u.param({ confirm: 'Sure?' }).attr({ onclick: 'x()' }).html).toThrow(
      /onclick attribute/,
    )
    expect(u.attr({ onclick: 'track()' }).html).toBe('<a href="/x" onclick="track()">x</a>')
    expect(() => new Image('/i.png').attr({ src: '/j.png' }).html).toThrow(/src attribute/)
    expect(() => new Url('/').jsPopup.param({ content: 'p' }).attr({ target: 'x' }).html).toThrow(
      /target attribute/,
    )
  })

  test('a button keeps a type the caller sets', () => {
    expect(new Url('/').button.attr({ type: 'submit' }).param({ content: 'b' }).html).toBe(
      '<button onclick="location.href=&quot;/&quot;; return false" type="submit">b</button>',
    )
  })
})

describe('params', () => {
  test('content is escaped; trustedContentHtml is inserted as it is; each clears the other', () => {
    const u = new Url('/x')
    expect(u.param({ content: '<b>bold</b> & co' }).html).toBe(
      '<a href="/x">&lt;b&gt;bold&lt;/b&gt; &amp; co</a>',
    )
    const trusted = u.param({ trustedContentHtml: '<b>bold</b>' })
    expect(trusted.html).toBe('<a href="/x"><b>bold</b></a>')
    expect(trusted.param({ content: '<i>' }).html).toBe('<a href="/x">&lt;i&gt;</a>')
    expect(u.param({ content: 'a' }).param({ trustedContentHtml: '<i>b</i>' }).params).toEqual({
      trustedContentHtml: '<i>b</i>',
    })
    expect(() => u.param({ content: 'a', trustedContentHtml: '<b>' })).toThrow(/not both/)
  })

  test('content is required for a link, empty content too (Paste)', () => {
    expect(() => new Url('/x').html).toThrow(/give a content param/)
    expect(() => new Url('/x').param({ content: '' }).html).toThrow(/give a content param/)
    expect(new Url('/x').param({ content: 0 }).html).toBe('<a href="/x">0</a>')
  })

  test('null/undefined remove a param, back to the default', () => {
    const u = new Url('/x').param({ content: 'a', tag: 'link' })
    expect(u.param({ tag: undefined }).html).toBe('<a href="/x">a</a>')
    expect(
      new Url('/x').jsPopup.param({ content: 'p', target: 'w' }).param({ target: null }).html,
    ).toContain('target="_blank"')
  })

  test('the tag param is checked and any element renders (void ones self-closed)', () => {
    expect(new Image('/x').param({ tag: 'INPUT' }).attr({ type: 'image' }).html).toBe(
      '<input src="/x" type="image" />',
    )
    expect(new Image('/x').param({ tag: 'my-image' }).html).toBe('<my-image src="/x"></my-image>')
    for (const bad of ['a b', 'a>', '', 'script x', '1a', 'a"'])
      expect(() => new Url('/x').param({ tag: bad }), bad).toThrow(/tag param/)
  })

  test('unknown params and wrong types are refused with a TypeError naming the package', () => {
    expect(() => new Url('/').param({ contnet: 'x' } as never)).toThrow(
      /@paste\/url: unknown param "contnet"/,
    )
    expect(() => new Url('/').param({ content: {} as never })).toThrow(TypeError)
    expect(() => new Url('/').param({ confirm: 1 as never })).toThrow(TypeError)
    expect(() => new Url('/').param({ width: -1 })).toThrow(/whole number/)
    expect(() => new Url('/').param({ width: 1.5 })).toThrow(/whole number/)
    expect(() => new Url('/').param({ height: '100,noopener' as never })).toThrow(/whole number/)
    expect(() => new Url('/').param({ resizable: 'maybe' as never })).toThrow(/resizable/)
    expect(() => new Url('/').param({ stripped: 'maybe' as never })).toThrow(/stripped/)
    expect(() => new Url('/').param({ width: '12px' })).toThrow(/whole number/)
    expect(() => new Url('/').param({ width: '1234567' })).toThrow(/whole number/)
  })
})

test("popup params given as strings, as item('width=400') gives them, are kept as numbers and booleans", () => {
  const p = new Url('/v').jsPopup.item('width=400').item('stripped=1').item('content=v')
  expect(p.params).toEqual({ width: 400, stripped: true, content: 'v' })
  expect(p.html).toContain('&quot;location=0,status=0,toolbar=0,width=400&quot;')
  expect(new Url('/v').jsPopup.param({ stripped: 'no' }).params).toEqual({ stripped: false })
})

describe('the other conveniences', () => {
  test('onclickGoto, toJSON, toString of each kind', () => {
    const u = new Url('/a').var({ q: '"x"' })
    expect(u.onclickGoto).toBe('location.href="/a?q=%22x%22"; return false')
    expect(JSON.stringify({ link: u })).toBe('{"link":"/a?q=%22x%22"}')
    expect(String(u)).toBe('/a?q=%22x%22')
    expect(String(u.become(Image))).toBe('<img src="/a?q=%22x%22" />')
    expect(String(u.button.param({ content: 'b' }))).toMatch(/^<button /)
    expect(String(u.jsPopup.param({ content: 'p' }))).toMatch(/^<a href=/)
  })

  test('kinds derive as themselves', () => {
    const b = new Url('/').button
    expect(b.var({ a: 1 })).toBeInstanceOf(Button)
    expect(b.addPath('x').attr({ id: 'y' })).toBeInstanceOf(Button)
    expect(new Url('/').jsPopup.param({ width: 1 })).toBeInstanceOf(JsPopup)
  })

  test('a subclass chooses where keywords go and what it renders', () => {
    class Stylesheet extends Url {
      static override readonly defaultParams = Object.freeze({ tag: 'link' })
      protected override htmlAttributes() {
        return [['rel', 'stylesheet'] as const, ['href', this.href] as const, ...this.attrs]
      }
      protected override htmlContent() {
        return undefined
      }
    }
    const css = new Url('/static').addPath('site.css').var({ v: 3 }).become(Stylesheet)
    expect(css.html).toBe('<link rel="stylesheet" href="/static/site.css?v=3" />')
    expect(css.addPath('x')).toBeInstanceOf(Stylesheet)
  })

  test('init is checked', () => {
    expect(() => new Url(1 as never)).toThrow(/the URL must be a string/)
    expect(() => new Url('/', { allowSchemes: ['ftp'] as never })).toThrow(/allowSchemes/)
    expect(() => new Url('/', { allowSchemes: 'data' as never })).toThrow(/allowSchemes/)
    expect(() => new Url('/', { attrs: 5 as never })).toThrow(/attributes must be/)
    expect(() => new Url('/', { fragment: 5 as never })).toThrow(/fragment/)
  })
})
