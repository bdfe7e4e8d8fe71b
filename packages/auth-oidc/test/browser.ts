/*
 * A small browser for the tests: follows redirects by hand, keeps a cookie jar per host,
 * and sends requests for the app's base URL to the app's TestFetch (in process or over
 * loopback), everything else to the network (the OP on 127.0.0.1).
 */
import type { TestFetch } from '@paste-tooling/testing'

export class Browser {
  readonly jar = new Map<string, Map<string, string>>()
  /** Every URL visited, in order. */
  readonly visited: string[] = []

  constructor(
    private readonly app: TestFetch,
    private readonly appBase: string,
  ) {}

  cookies(host: string): Map<string, string> {
    let jar = this.jar.get(host)
    if (!jar) this.jar.set(host, (jar = new Map()))
    return jar
  }

  /** One request, no redirects followed. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.appBase)
    this.visited.push(target.href)
    const jar = this.cookies(target.host)
    const headers = new Headers(init.headers)
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    const response = target.href.startsWith(`${this.appBase}/`)
      ? await this.app(target.href.slice(this.appBase.length), {
          ...init,
          headers,
          redirect: 'manual',
        })
      : await fetch(target, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name)
      else jar.set(name, pair.slice(eq + 1).trim())
    }
    return response
  }

  /** Follows redirects (GET after 302/303) until a non-redirect answer. */
  async go(url: string, init: RequestInit = {}): Promise<{ response: Response; url: string }> {
    let current = new URL(url, this.appBase).href
    let response = await this.request(current, init)
    for (let hops = 0; hops < 20 && response.status >= 300 && response.status < 400; hops++) {
      await response.body?.cancel()
      current = new URL(response.headers.get('location')!, current).href
      response = await this.request(current)
    }
    return { response, url: current }
  }

  /** Submits the form of an oidc-provider page (its action and hidden fields) plus `fields`. */
  async submit(page: { response: Response; url: string }, fields: Record<string, string>) {
    const html = await page.response.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    if (!action) throw new Error(`no form in ${page.url}: ${html.slice(0, 300)}`)
    const form = new URLSearchParams()
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
      form.set(m[1]!, m[2]!)
    for (const [k, v] of Object.entries(fields)) form.set(k, v)
    return this.go(new URL(action.replace(/&amp;/g, '&'), page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    })
  }
}
