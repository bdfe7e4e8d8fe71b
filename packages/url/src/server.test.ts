/*
 * Links built with Url.fromContext by an App mounted under a prefix with @paste/urlmap, read
 * by a real client from a real server (@paste/httpserver on loopback), then followed.
 */
import type { App } from '@paste/core'
import { serve } from '@paste/httpserver'
import { urlMap } from '@paste/urlmap'
import { curl, matrix } from '@paste-tooling/testing'
import { type DefaultTreeAdapterMap, parse } from 'parse5'
import { expect, test } from 'vitest'
import { Image, Url } from './index.js'

type Element = DefaultTreeAdapterMap['element']

/** Every element of a page with its attributes, in document order. */
function elementsOf(html: string): { tag: string; attrs: Record<string, string>; text: string }[] {
  const found: { tag: string; attrs: Record<string, string>; text: string }[] = []
  const walk = (nodes: DefaultTreeAdapterMap['childNode'][]) => {
    for (const node of nodes)
      if ('tagName' in node) {
        const element = node as Element
        const text = element.childNodes
          .map((n) => (n.nodeName === '#text' && 'value' in n ? n.value : ''))
          .join('')
        found.push({
          tag: element.tagName,
          attrs: Object.fromEntries(element.attrs.map((a) => [a.name, a.value])),
          text,
        })
        walk(element.childNodes)
      }
  }
  walk(parse(html).childNodes as DefaultTreeAdapterMap['childNode'][])
  return found.filter((e) => !['html', 'head', 'body'].includes(e.tag))
}

/** The shop: a page of links built from the context, and the items they point at. */
const shop: App = (_request, context) => {
  if (context.pathInfo.startsWith('/items/'))
    return Response.json({
      scriptName: context.scriptName,
      pathInfo: context.pathInfo,
      search: context.search,
    })
  const here = Url.fromContext(context)
  const home = Url.fromContext(context, { withPathInfo: false, withQuery: false })
  const body = [
    home.addPath('items', 'red shoes').var({ page: 2 }).param({ content: 'Red shoes' }).html,
    here.setVar({ page: 3 }).param({ content: 'next' }).html,
    Image.fromContext(context, { withPathInfo: false, withQuery: false, absolute: false })
      .addPath('logo.png')
      .attr({ alt: `you are at ${here.href}` }).html,
    home.addPath('items', 'x').button.param({ content: 'Buy', confirm: 'Buy "x"?' }).html,
  ].join('\n')
  return new Response(`<!doctype html><title>shop</title><body>${body}</body>`, {
    headers: { 'content-type': 'text/html; charset=utf-8' },
  })
}

const site = () => urlMap({ '/shop': shop })

matrix(
  'links built from the context point at the mounted location, and lead there',
  site,
  async (fetch, transport) => {
    const response = await fetch('/shop/list?tag=a&tag=b&page=1')
    expect(response.status).toBe(200)
    const origin = transport === 'loopback' ? new URL(response.url).origin : 'http://localhost'
    const [title, item, next, logo, buy] = elementsOf(await response.text())
    expect(title?.tag).toBe('title')
    expect(item).toEqual({
      tag: 'a',
      attrs: { href: `${origin}/shop/items/red%20shoes?page=2` },
      text: 'Red shoes',
    })
    expect(next).toEqual({
      tag: 'a',
      attrs: { href: `${origin}/shop/list?tag=a&tag=b&page=3` },
      text: 'next',
    })
    expect(logo).toEqual({
      tag: 'img',
      attrs: { src: '/shop/logo.png', alt: `you are at ${origin}/shop/list?tag=a&tag=b&page=1` },
      text: '',
    })
    expect(buy?.attrs.onclick).toBe(
      `if (confirm("Buy \\"x\\"?")) {location.href="${origin}/shop/items/x"}; return false`,
    )
    // following the link reaches the mounted app, with the path split as urlmap made it
    const followed = await fetch(item!.attrs.href!)
    expect(await followed.json()).toEqual({
      scriptName: '/shop',
      pathInfo: '/items/red%20shoes',
      search: '?page=2',
    })
  },
)

test('through serve({ port: 0 }) and curl: a hostile path and query come back escaped, as data', async () => {
  const server = await serve(site(), { port: 0, host: '127.0.0.1' })
  try {
    const target =
      '/shop/%22%3E%3Cscript%3Ealert(1)%3C/script%3E?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E'
    const { stdout, code } = await curl(['--path-as-is', `${server.url}${target}`])
    expect(code).toBe(0)
    const page = stdout.toString('utf8')
    expect(page).not.toMatch(/<script|<img src=x/)
    const elements = elementsOf(page)
    expect(elements.map((e) => e.tag)).toEqual(['title', 'a', 'a', 'img', 'button'])
    const next = new URL(elements[2]!.attrs.href!)
    expect(next.origin).toBe(server.url)
    expect(next.pathname).toBe('/shop/%22%3E%3Cscript%3Ealert(1)%3C/script%3E')
    expect(next.searchParams.get('q')).toBe('"><img src=x onerror=alert(1)>')
    expect(next.searchParams.get('page')).toBe('3')
    // the query is re-encoded from the parsed vars (form encoding: space as +, parentheses escaped)
    expect(elements[3]!.attrs.alt).toBe(
      `you are at ${server.url}/shop/%22%3E%3Cscript%3Ealert(1)%3C/script%3E?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert%281%29%3E`,
    )
  } finally {
    await server.close()
  }
})
