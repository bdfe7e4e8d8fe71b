import type { Context } from '@paste/core'
import { checkScheme, encodeUrlText, jsString, percentDecode, type UnsafeScheme } from './encode.js'
import {
  type Attribute,
  type Attrs,
  escapeText,
  mergeAttrs,
  renderElement,
  tagName,
} from './html.js'
import { checkKnownParam, type ParamChanges, type UrlParams } from './params.js'
import { checkAllowSchemes, encodeFragment, pathOf, splitUrl } from './parts.js'
import { windowFeatures } from './popup.js'
import {
  entriesOf,
  normalizeVars,
  parseQuery,
  queryString,
  type VarPair,
  type Vars,
} from './vars.js'

/** What a {@link Url} is built with, besides its URL. */
export interface UrlInit {
  /** Query variables, after those of the URL's own query. @default none */
  vars?: Vars
  /** HTML attributes of the tag. @default none */
  attrs?: Attrs
  /** Params of the kind (link content, confirm question, popup size...). @default none */
  params?: ParamChanges
  /** The fragment, without `#`; replaces the URL's own. @default the URL's own, or none */
  fragment?: string
  /**
   * Schemes refused by default that this URL and its attributes may use (`'data'` for an
   * inline image, say). Kept by every URL derived from this one. @default []
   */
  allowSchemes?: readonly UnsafeScheme[]
}

/** Options of {@link Url.fromContext} (Paste's `from_environ` arguments). */
export interface FromContextOptions {
  /** Take the request's query variables. @default true */
  withQuery?: boolean
  /** Include the pathInfo (otherwise the URL of the mount point). @default true */
  withPathInfo?: boolean
  /** `scheme://host` in front; `false` gives a path-absolute URL (`/app/page`). @default true */
  absolute?: boolean
  /** Use this scriptName instead of the context's (`''` or `/x`, percent-encoded). */
  scriptName?: string
  /** Use this pathInfo instead of the context's (`''` or `/x`, percent-encoded). */
  pathInfo?: string
  /** Use this query (with or without `?`) instead of the context's. */
  search?: string
}

/** A {@link Url} class (`Url`, `Image`, `Button`, `JsPopup` or a subclass). */
export type UrlKind<T extends Url> = abstract new (url?: string, init?: UrlInit) => T

/** Where a keyword given to {@link Url.with} goes. */
export type KeywordTarget = 'var' | 'attr' | 'param'

const BUILT_IN = new Set<unknown>()

/**
 * An immutable URL (Paste's `URL`): every method returns a new object. Renders as a link:
 * `href` is the URL with its query, `html` the `<a>` tag, `toString()` the `href`.
 *
 * @example
 * const u = new Url('/shop').addPath('items', 'red shoes').var({ page: 2 })
 * u.href                                   // '/shop/items/red%20shoes?page=2'
 * u.param({ content: 'Shoes & co' }).html  // '<a href="/shop/items/red%20shoes?page=2">Shoes &amp; co</a>'
 */
export class Url {
  /** The kind's params, under those set on an object. */
  static readonly defaultParams: Readonly<UrlParams> = Object.freeze({ tag: 'a' })

  /** The URL without query and fragment, as it is written out (percent-encoded). */
  readonly base: string
  /** The query variables in order. */
  readonly vars: readonly VarPair[]
  /** The HTML attributes set, in order (names lower-case; `true` for a bare attribute). */
  readonly attrs: readonly Attribute[]
  /** The params set on this object (the kind's defaults are not included). */
  readonly params: Readonly<UrlParams>
  /** The fragment, percent-encoded, without `#`; `undefined` for none. */
  readonly fragment: string | undefined
  /** Schemes refused by default that this URL may use. */
  readonly allowSchemes: readonly UnsafeScheme[]

  /**
   * @param url any URL, absolute or relative (`''` is `/`); its query becomes vars and its
   *   fragment is kept. Throws a `TypeError` for a `javascript:`, `vbscript:` or `data:` URL
   *   unless `init.allowSchemes` allows it.
   */
  constructor(url = '/', init: UrlInit = {}) {
    if (typeof url !== 'string') throw new TypeError('@paste/url: the URL must be a string')
    this.allowSchemes = checkAllowSchemes(init.allowSchemes)
    checkScheme(url, this.allowSchemes, 'the URL')
    const [base, query, fragment] = splitUrl(url)
    this.base = base === '' ? '/' : encodeUrlText(base)
    const vars = parseQuery(query)
    this.vars = Object.freeze(
      init.vars === undefined ? vars : vars.concat(normalizeVars(init.vars).pairs),
    )
    const frag = init.fragment ?? fragment
    if (frag !== undefined && typeof frag !== 'string')
      throw new TypeError('@paste/url: fragment must be a string')
    this.fragment = frag === undefined ? undefined : encodeFragment(frag)
    this.attrs = Object.freeze(mergeAttrs([], init.attrs ?? {}, this.allowSchemes))
    this.params = this.mergeParams({}, init.params ?? {})
    if (BUILT_IN.has(new.target)) Object.freeze(this)
  }

  /**
   * Builds a URL from the request a context describes (Paste's `from_environ`): scheme and
   * host as the client sees them, scriptName, pathInfo and the query as vars. Called on a
   * subclass, it builds that kind (`Image.fromContext(...)`).
   *
   * @example
   * const here = Url.fromContext(context)                              // this page, with its query
   * const home = Url.fromContext(context, { withPathInfo: false, withQuery: false })
   * home.addPath('items', id).href                                     // 'https://h/mount/items/42'
   */
  static fromContext<T extends Url>(
    this: new (
      url?: string,
      init?: UrlInit,
    ) => T,
    context: Context,
    options: FromContextOptions = {},
  ): T {
    for (const key of ['withQuery', 'withPathInfo', 'absolute'] as const)
      if (options[key] !== undefined && typeof options[key] !== 'boolean')
        throw new TypeError(`@paste/url: fromContext option ${key} must be a boolean`)
    for (const key of ['scriptName', 'pathInfo'] as const) {
      const value = options[key]
      if (value !== undefined && (typeof value !== 'string' || (value !== '' && value[0] !== '/')))
        throw new TypeError(`@paste/url: fromContext option ${key} must be '' or start with '/'`)
    }
    if (options.search !== undefined && typeof options.search !== 'string')
      throw new TypeError('@paste/url: fromContext option search must be a string')
    const scriptName = options.scriptName ?? context.scriptName
    const pathInfo = options.withPathInfo === false ? '' : (options.pathInfo ?? context.pathInfo)
    const origin = options.absolute === false ? '' : context.origin
    const search = options.withQuery === false ? '' : (options.search ?? context.search)
    // a path holds no raw ? or # (they would start the query or fragment); make sure of it
    const path = `${scriptName}${pathInfo}`.replaceAll('?', '%3F').replaceAll('#', '%23')
    // `this`, not Url: Image.fromContext builds an Image
    // biome-ignore lint/complexity/noThisInStatic: the kind fromContext was called on
    return new this(`${origin}${path}` || '/', { vars: parseQuery(search) })
  }

  /** The URL with its query and fragment, percent-encoded, as it goes in an `href`. */
  get href(): string {
    let href = this.base
    if (this.vars.length > 0) href += `?${queryString(this.vars)}`
    if (this.fragment !== undefined) href += `#${this.fragment}`
    return href
  }

  /** The HTML tag of this kind; throws a `TypeError` when it lacks what it needs (content). */
  get html(): string {
    const tag = tagName(this.effectiveParams().tag)
    return renderElement(tag, this.htmlAttributes(), this.htmlContent())
  }

  /** JavaScript that goes to this URL: `location.href="..."; return false` (for `onclick`). */
  get onclickGoto(): string {
    return `location.href=${jsString(this.href)}; return false`
  }

  /** This URL as a {@link Button}. */
  get button(): Button {
    return this.become(Button)
  }

  /** This URL as a {@link JsPopup}. */
  get jsPopup(): JsPopup {
    return this.become(JsPopup)
  }

  /** The `href` (a Url); the HTML tag for Image, Button and JsPopup. */
  toString(): string {
    return this.href
  }

  /** The `href`, so `JSON.stringify` writes the URL. */
  toJSON(): string {
    return this.href
  }

  /** Adds query variables after those there (a name may repeat). */
  var(vars: Vars): this {
    return this.derive({ vars: Object.freeze([...this.vars, ...normalizeVars(vars).pairs]) })
  }

  /** Replaces the variables of the names given (`null`/`undefined` deletes one). */
  setVar(vars: Vars): this {
    const { pairs, names } = normalizeVars(vars)
    const kept = this.vars.filter(([name]) => !names.has(name))
    return this.derive({ vars: Object.freeze([...kept, ...pairs]) })
  }

  /** Replaces all the variables (none with no argument). */
  setVars(vars: Vars = {}): this {
    return this.derive({ vars: Object.freeze(normalizeVars(vars).pairs) })
  }

  /**
   * Appends path segments (Paste's `addpath` and `url / 'x'`). Each argument is percent-
   * encoded; a `/` inside it separates segments (`'a/b'` is two); leading and doubled
   * slashes are dropped, a trailing one kept; `.` and `..` segments throw a `TypeError`.
   *
   * @example
   * new Url('/files').addPath('My Docs', 'a/b.txt').href // '/files/My%20Docs/a/b.txt'
   */
  addPath(...segments: (string | number)[]): this {
    let base = this.base
    for (const segment of segments)
      base = `${base.endsWith('/') ? base : `${base}/`}${pathOf(segment)}`
    return this.derive({ base })
  }

  /** Sets the fragment (without `#`); `undefined` removes it. */
  withFragment(fragment: string | undefined): this {
    if (fragment !== undefined && typeof fragment !== 'string')
      throw new TypeError('@paste/url: fragment must be a string')
    return this.derive({ fragment: fragment === undefined ? undefined : encodeFragment(fragment) })
  }

  /** Sets HTML attributes (`false`/`null`/`undefined` remove one). Names must be plain. */
  attr(attrs: Attrs): this {
    return this.derive({ attrs: Object.freeze(mergeAttrs(this.attrs, attrs, this.allowSchemes)) })
  }

  /** Sets params of the kind (`null`/`undefined` remove one). */
  param(params: ParamChanges): this {
    return this.derive({ params: this.mergeParams(this.params, params) })
  }

  /**
   * Paste's call, `url('a', 'b', x=1, content='go')`: strings and numbers are path segments,
   * and each object's keywords go where the kind says (a Url takes `content` and `confirm`
   * as params and `target` as an attribute; everything else is a query variable).
   *
   * @example
   * url.with('another', { var: 'x', content: 'goto' }).html
   */
  with(...args: (string | number | Readonly<Record<string, unknown>>)[]): this {
    let next = this
    for (const arg of args) {
      if (typeof arg === 'string' || typeof arg === 'number') next = next.addPath(arg)
      else next = next.applyKeywords(arg)
    }
    return next
  }

  /** Paste's `url[item]`: `'name=value'` (percent-decoded) is a keyword for {@link with}, anything else a path. */
  item(item: string): this {
    if (typeof item !== 'string') throw new TypeError('@paste/url: item must be a string')
    const eq = item.indexOf('=')
    if (eq === -1) return this.addPath(item)
    return this.applyKeywords({
      [percentDecode(item.slice(0, eq))]: percentDecode(item.slice(eq + 1)),
    })
  }

  /** The same URL, vars, attributes and params as another kind (`url.become(Image)`). */
  become<T extends Url>(Kind: UrlKind<T>): T {
    if (typeof Kind !== 'function' || !((Kind as unknown) === Url || Kind.prototype instanceof Url))
      throw new TypeError('@paste/url: become() takes Url or a subclass of it')
    return this.derive({}, Kind.prototype) as unknown as T
  }

  /** Where a keyword given to {@link with} goes, for this kind. */
  protected keywordTarget(name: string): KeywordTarget {
    if (name === 'content' || name === 'confirm' || name === 'trustedContentHtml') return 'param'
    return name === 'target' ? 'attr' : 'var'
  }

  /**
   * Checks a param when it is set and returns the value to keep (a size given as a string of
   * digits, as `item('width=400')` gives it, is kept as a number). A subclass reading more
   * params extends it.
   */
  protected checkParam(name: string, value: unknown): unknown {
    return checkKnownParam(name, value)
  }

  /** The kind's default params under the ones set here. */
  protected effectiveParams(): Readonly<UrlParams> {
    return { ...(this.constructor as typeof Url).defaultParams, ...this.params }
  }

  /** The attributes rendered, generated ones included (a Url: `href`, then the attrs, then `onclick` for `confirm`). */
  protected htmlAttributes(): Attribute[] {
    const attributes: Attribute[] = [['href', this.href], ...this.attrs]
    const confirm = this.params.confirm
    if (confirm) attributes.push(['onclick', `return confirm(${jsString(confirm)})`])
    return attributes
  }

  /** The element's content as HTML, or `undefined` for none. A Url requires content. */
  protected htmlContent(): string | undefined {
    return this.requireContent()
  }

  /** The content param, escaped (or the trusted HTML); `undefined` when neither is set. */
  protected contentHtml(): string | undefined {
    const { content, trustedContentHtml } = this.params
    if (trustedContentHtml !== undefined) return trustedContentHtml
    return content === undefined ? undefined : escapeText(String(content))
  }

  /** The content as HTML, or a `TypeError` (Paste's "You must give a content param"). */
  protected requireContent(): string {
    const html = this.contentHtml()
    if (html === undefined || html === '')
      throw new TypeError(
        `@paste/url: give a content param (or trustedContentHtml) to render <${tagName(this.effectiveParams().tag)}> for ${this.href.slice(0, 200)}`,
      )
    return html
  }

  /** A copy with some fields changed (and possibly another prototype: another kind). */
  protected derive(changes: Partial<Url>, prototype: object = Object.getPrototypeOf(this)): this {
    const next = Object.create(prototype) as this
    Object.assign(next, this, changes)
    return Object.freeze(next)
  }

  /** Sends each keyword where {@link keywordTarget} says. */
  protected applyKeywords(keywords: Readonly<Record<string, unknown>>): this {
    const entries = entriesOf<unknown>(keywords, 'keywords')
    const groups: Record<KeywordTarget, [string, unknown][]> = { var: [], attr: [], param: [] }
    for (const [name, value] of entries) groups[this.keywordTarget(name)].push([name, value])
    let next = this.param(Object.fromEntries(groups.param) as ParamChanges)
    next = next.attr(groups.attr as [string, string][])
    return next.var(groups.var as [string, string][])
  }

  /** `params` with `changes` applied and checked. */
  protected mergeParams(params: Readonly<UrlParams>, changes: ParamChanges): Readonly<UrlParams> {
    const merged: Record<string, unknown> = { ...params }
    const entries = entriesOf<unknown>(changes, 'params')
    if (
      entries.some(([n, v]) => n === 'content' && v != null) &&
      entries.some(([n, v]) => n === 'trustedContentHtml' && v != null)
    )
      throw new TypeError('@paste/url: give content or trustedContentHtml, not both')
    for (const [name, value] of entries) {
      if (value === null || value === undefined) delete merged[name]
      else {
        merged[name] = this.checkParam(name, value)
        if (name === 'content') delete merged.trustedContentHtml
        if (name === 'trustedContentHtml') delete merged.content
      }
    }
    return Object.freeze(merged) as Readonly<UrlParams>
  }
}

/**
 * An image (Paste's `Image`): `<img src="..." />`. Every keyword given to `with()`/`item()`
 * is an attribute (`image.item('alt=Logo')`). `toString()` is the tag.
 *
 * @example
 * new Image('/images').addPath('logo.png').attr({ alt: 'Logo' }).html
 * // '<img src="/images/logo.png" alt="Logo" />'
 */
export class Image extends Url {
  static override readonly defaultParams: Readonly<UrlParams> = Object.freeze({ tag: 'img' })

  override toString(): string {
    return this.html
  }

  protected override keywordTarget(): KeywordTarget {
    return 'attr'
  }

  protected override htmlAttributes(): Attribute[] {
    return [['src', this.href], ...this.attrs]
  }

  /** None: an image has no content (a content param carried over from a link is ignored). */
  protected override htmlContent(): string | undefined {
    return undefined
  }
}

/**
 * A button that goes to the URL (Paste's `Button`): `<button type="button" onclick="...">`,
 * asking `confirm` first when set. Content: the content param, else the `value` attribute.
 *
 * @example
 * new Url('/').addPath('delete').button.with({ confirm: 'Sure?', id: 5, content: 'del' }).html
 */
export class Button extends Url {
  static override readonly defaultParams: Readonly<UrlParams> = Object.freeze({ tag: 'button' })

  override toString(): string {
    return this.html
  }

  protected override keywordTarget(name: string): KeywordTarget {
    return name === 'content' || name === 'confirm' || name === 'trustedContentHtml'
      ? 'param'
      : 'var'
  }

  protected override htmlAttributes(): Attribute[] {
    let onclick = `location.href=${jsString(this.href)}`
    const confirm = this.params.confirm
    if (confirm) onclick = `if (confirm(${jsString(confirm)})) {${onclick}}`
    const attributes: Attribute[] = [['onclick', `${onclick}; return false`]]
    // outside JavaScript a button in a form submits it: this one is only a button
    if (!this.attrs.some(([name]) => name === 'type')) attributes.push(['type', 'button'])
    return [...attributes, ...this.attrs]
  }

  protected override htmlContent(): string | undefined {
    const html = this.contentHtml()
    if (html !== undefined) return html
    const value = this.attrs.find(([name]) => name === 'value')?.[1]
    return typeof value === 'string' ? escapeText(value) : ''
  }
}

/**
 * A link that opens the URL in a new window (Paste's `JSPopup`): `<a href target onclick=
 * "window.open(...)">`, with the window's size, position and feature flags from params.
 * The `window.open` arguments are JSON string literals. `toString()` is the tag.
 *
 * @example
 * new Url('/help').jsPopup.param({ content: 'Help', width: 400, height: 300 }).html
 */
export class JsPopup extends Url {
  static override readonly defaultParams: Readonly<UrlParams> = Object.freeze({
    tag: 'a',
    target: '_blank',
  })

  override toString(): string {
    return this.html
  }

  protected override keywordTarget(name: string): KeywordTarget {
    const params = ['width', 'height', 'stripped', 'content', 'trustedContentHtml']
    return params.includes(name) ? 'param' : 'var'
  }

  protected override htmlAttributes(): Attribute[] {
    const params = this.effectiveParams()
    const target = params.target ?? '_blank'
    const args = [this.href, target]
    const features = windowFeatures(params as Readonly<Record<string, unknown>>)
    if (features !== '') args.push(features)
    const onclick = `window.open(${args.map(jsString).join(', ')}); return false`
    return [['href', this.href], ['onclick', onclick], ['target', target], ...this.attrs]
  }
}

BUILT_IN.add(Url).add(Image).add(Button).add(JsPopup)
