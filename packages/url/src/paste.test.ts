/*
 * The scenarios of Paste's own tests for paste.url: the module has no tests/test_url.py;
 * its tests are the doctests in paste/url.py (URL, Image, Button, JSPopup) and the
 * docstrings of var/setvar/setvars/from_environ. Each is ported here; where the output
 * differs on purpose (JSON string literals, &#39;, type="button"), the comment says so.
 */
import { Context } from '@paste/core'
import { describe, expect, test } from 'vitest'
import { Button, Image, JsPopup, Url } from './index.js'

describe('URL doctest', () => {
  const u = new Url('http://localhost').item('view')

  test("u['view'] appends a path segment; str() is the href", () => {
    expect(String(u)).toBe('http://localhost/view')
  })

  test("u['//foo'] drops the leading slashes; content makes the anchor", () => {
    expect(u.item('//foo').param({ content: 'view' }).html).toBe(
      '<a href="http://localhost/view/foo">view</a>',
    )
  })

  test('confirm adds an onclick asking first (a JSON string literal, escaped)', () => {
    // Paste: onclick="return confirm(&#x27;Really?&#x27;)" (a Python repr)
    expect(u.param({ confirm: 'Really?', content: 'goto' }).html).toBe(
      '<a href="http://localhost/view" onclick="return confirm(&quot;Really?&quot;)">goto</a>',
    )
  })

  test('u(title=..., content=...): keywords become vars, content a param', () => {
    expect(u.with({ title: 'See "it"', content: 'goto' }).html).toBe(
      '<a href="http://localhost/view?title=See+%22it%22">goto</a>',
    )
  })

  test("u('another', var=..., content=...): positionals are path segments", () => {
    expect(u.with('another', { var: 'fuggetaboutit', content: 'goto' }).html).toBe(
      '<a href="http://localhost/view/another?var=fuggetaboutit">goto</a>',
    )
  })

  test('content as an attribute is not link content: rendering the anchor throws', () => {
    expect(() => u.attr({ content: 'goto' }).html).toThrow(/give a content param/)
    expect(() => u.attr({ content: 'goto' }).html).toThrow(TypeError)
  })

  test("u['foo=bar%20stuff'] is a percent-decoded variable", () => {
    expect(String(u.item('foo=bar%20stuff'))).toBe('http://localhost/view?foo=bar+stuff')
  })

  test('target given as a keyword is an attribute', () => {
    expect(u.with({ target: '_top', content: 'x' }).html).toBe(
      '<a href="http://localhost/view" target="_top">x</a>',
    )
  })
})

describe('Image doctest', () => {
  const i = new Image('/images').addPath('/foo.png')

  test('i / "/foo.png" renders an img with src', () => {
    expect(i.html).toBe('<img src="/images/foo.png" />')
    expect(i.href).toBe('/images/foo.png')
  })

  test("str(i['alt=foo']) is the tag; keywords of an Image are attributes", () => {
    expect(String(i.item('alt=foo'))).toBe('<img src="/images/foo.png" alt="foo" />')
    expect(i.with({ alt: 'x', width: 10 }).html).toBe(
      '<img src="/images/foo.png" alt="x" width="10" />',
    )
  })
})

describe('Button doctest', () => {
  test("u.button['confirm=Sure?'](id=5, content='del')", () => {
    const b = new Url('/')
      .addPath('delete')
      .button.item('confirm=Sure?')
      .with({ id: 5, content: 'del' })
    expect(b).toBeInstanceOf(Button)
    // Paste: single-quoted Python reprs and no type; here JSON literals and type="button"
    expect(String(b)).toBe(
      '<button onclick="if (confirm(&quot;Sure?&quot;)) {location.href=&quot;/delete?id=5&quot;}; return false" type="button">del</button>',
    )
  })

  test('without confirm the button just goes there; the value attribute is the fallback content', () => {
    const b = new Url('/go').button.attr({ value: 'Go <now>' })
    expect(b.html).toBe(
      '<button onclick="location.href=&quot;/go&quot;; return false" type="button" value="Go &lt;now&gt;">Go &lt;now&gt;</button>',
    )
    // Paste renders <button ... /> here, which HTML reads as an open tag; this one is closed
    expect(new Url('/go').button.html).toMatch(/><\/button>$/)
  })
})

describe('JSPopup doctest', () => {
  test("u.js_popup(content='view')", () => {
    const j = new Url('/').addPath('view').jsPopup.with({ content: 'view' })
    expect(j).toBeInstanceOf(JsPopup)
    expect(j.html).toBe(
      '<a href="/view" onclick="window.open(&quot;/view&quot;, &quot;_blank&quot;); return false" target="_blank">view</a>',
    )
  })

  test('width, height and stripped become window features (Paste drops the sizes: it loops over the letters of "height left top width")', () => {
    const j = new Url('/v').jsPopup.with({ content: 'v', width: 400, height: 300, stripped: true })
    expect(j.html).toContain(
      'window.open(&quot;/v&quot;, &quot;_blank&quot;, &quot;location=0,status=0,toolbar=0,height=300,width=400&quot;)',
    )
    const k = new Url('/v').jsPopup.param({
      content: 'v',
      resizable: true,
      scrollbars: 'no',
      left: 5,
    })
    expect(k.html).toContain('&quot;resizable=1,scrollbars=no,left=5&quot;')
  })

  test('the target param names the window and the target attribute', () => {
    const j = new Url('/v').jsPopup.param({ content: 'v', target: 'help' })
    expect(j.html).toBe(
      '<a href="/v" onclick="window.open(&quot;/v&quot;, &quot;help&quot;); return false" target="help">v</a>',
    )
  })
})

describe('vars (var, setvar, setvars docstrings)', () => {
  const u = new Url('/s').var({ a: 1, b: 2 })

  test('var() extends: a name may repeat, order is kept', () => {
    expect(u.var({ a: 3 }).href).toBe('/s?a=1&b=2&a=3')
    expect(
      u.var([
        ['b', 'x'],
        ['a', 'y'],
      ]).href,
    ).toBe('/s?a=1&b=2&b=x&a=y')
  })

  test('setVar() overwrites the names given; None (null/undefined) deletes', () => {
    expect(u.var({ a: 3 }).setVar({ a: 'z' }).href).toBe('/s?b=2&a=z')
    expect(u.setVar({ a: null }).href).toBe('/s?b=2')
    expect(u.setVar({ b: undefined, c: 'new' }).href).toBe('/s?a=1&c=new')
  })

  test('setVars() clears the others', () => {
    expect(u.setVars({ c: 1 }).href).toBe('/s?c=1')
    expect(u.setVars().href).toBe('/s')
  })

  test('href drops None values, and None inside lists (urlencode with doseq)', () => {
    expect(new Url('/s').var({ a: null, b: [1, null, 2], c: undefined }).href).toBe('/s?b=1&b=2')
    expect(new Url('/s').var({ a: null }).href).toBe('/s')
  })
})

describe('become', () => {
  test('keeps URL, vars, attributes and params under another kind', () => {
    const u = new Url('/x').var({ q: 1 }).attr({ class: 'c' }).param({ content: 'X' })
    const i = u.become(Image)
    expect(i).toBeInstanceOf(Image)
    expect(i.html).toBe('<img src="/x?q=1" class="c" />')
    const back = i.become(Url)
    expect(back.html).toBe('<a href="/x?q=1" class="c">X</a>')
    expect(() => u.become(Object as never)).toThrow(TypeError)
  })
})

describe('from_environ (Url.fromContext)', () => {
  const context = new Context({
    scheme: 'https',
    host: 'example.com:8443',
    scriptName: '/app',
    pathInfo: '/page/2',
    search: '?a=1&a=2&b=x+y',
  })

  test('with query and path info by default', () => {
    const u = Url.fromContext(context)
    expect(u.href).toBe('https://example.com:8443/app/page/2?a=1&a=2&b=x+y')
    expect(u.vars).toEqual([
      ['a', '1'],
      ['a', '2'],
      ['b', 'x y'],
    ])
  })

  test('with_query_string=False, with_path_info=False', () => {
    expect(Url.fromContext(context, { withQuery: false }).href).toBe(
      'https://example.com:8443/app/page/2',
    )
    expect(Url.fromContext(context, { withPathInfo: false, withQuery: false }).href).toBe(
      'https://example.com:8443/app',
    )
  })

  test('script_name, path_info and querystring overrides', () => {
    const u = Url.fromContext(context, { scriptName: '', pathInfo: '/other', search: 'z=1' })
    expect(u.href).toBe('https://example.com:8443/other?z=1')
  })

  test('absolute: false gives a path-absolute URL; a root mount gives "/"', () => {
    expect(Url.fromContext(context, { absolute: false }).href).toBe('/app/page/2?a=1&a=2&b=x+y')
    const root = new Context({ scheme: 'http', host: 'h', pathInfo: '' })
    expect(Url.fromContext(root, { absolute: false }).href).toBe('/')
  })

  test('a pathInfo override holding ? or # stays in the path', () => {
    const u = Url.fromContext(context, { pathInfo: '/a?b#c', withQuery: false })
    expect(u.href).toBe('https://example.com:8443/app/a%3Fb%23c')
  })

  test('called on a subclass it builds that kind', () => {
    const i = Image.fromContext(context, { withQuery: false })
    expect(i).toBeInstanceOf(Image)
    expect(i.html).toBe('<img src="https://example.com:8443/app/page/2" />')
  })

  test('bad options throw a TypeError naming the package', () => {
    expect(() => Url.fromContext(context, { withQuery: 'no' as never })).toThrow(
      /@paste\/url: fromContext option withQuery/,
    )
    expect(() => Url.fromContext(context, { scriptName: 'app' })).toThrow(TypeError)
    expect(() => Url.fromContext(context, { search: 1 as never })).toThrow(TypeError)
  })
})
