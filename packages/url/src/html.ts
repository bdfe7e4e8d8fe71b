/*
 * HTML attributes and tags: names checked, values escaped, one element rendered.
 */
import { escapeHtml } from '@paste/core'
import { checkScheme, jsString, wellFormed } from './encode.js'
import { entriesOf } from './vars.js'

/** An attribute value: `true` writes a bare attribute, `false`/`null`/`undefined` remove it. */
export type AttrValue = string | number | boolean | null | undefined

/** HTML attributes by name (`{ class: 'nav', title: 'Home', disabled: true }`). */
export type Attrs = Readonly<Record<string, AttrValue>> | Iterable<readonly [string, AttrValue]>

/** A normalised attribute: lower-case name, a string or `true` (bare). */
export type Attribute = readonly [name: string, value: string | true]

/*
 * A plain attribute name: a letter, `_` or `:`, then letters, digits, `_ . : -` (the XML
 * Name production restricted to ASCII; covers `data-*`, `aria-*`, `xlink:href`). Nothing
 * that could end the name early in an HTML parser (space, quotes, `=`, `>`, `/`) fits.
 */
const ATTRIBUTE_NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*$/
/* tag-name = ALPHA *( ALPHA / DIGIT / "-" ) (HTML elements and custom elements) */
const TAG_NAME = /^[A-Za-z][A-Za-z0-9-]*$/
const MAX_NAME = 256

/** Attributes whose value a browser follows or loads as a URL: their scheme is checked. */
const URL_ATTRIBUTES = new Set([
  'action',
  'background',
  'cite',
  'codebase',
  'data',
  'formaction',
  'href',
  'longdesc',
  'manifest',
  'ping',
  'poster',
  'src',
  'xlink:href',
])

/** Elements without content or end tag (HTML "void elements"). */
const VOID_ELEMENTS = new Set(
  'area base br col embed hr img input link meta source track wbr'.split(' '),
)

/** Checks and lower-cases an attribute name, or throws a `TypeError`. */
export function attributeName(name: string): string {
  if (name.length > MAX_NAME || !ATTRIBUTE_NAME.test(name))
    throw new TypeError(
      `@paste/url: ${jsString(name.slice(0, 40))} is not a plain attribute name (letters, digits, _ . : - only)`,
    )
  return name.toLowerCase()
}

/** Checks and lower-cases a tag name, or throws a `TypeError`. */
export function tagName(name: unknown): string {
  if (typeof name !== 'string' || name.length > MAX_NAME || !TAG_NAME.test(name))
    throw new TypeError('@paste/url: the tag param must be a plain element name such as "a"')
  return name.toLowerCase()
}

/**
 * Merges `changes` into `attrs` (later wins; `false`/`null`/`undefined` remove), checking
 * names and the scheme of URL-valued attributes.
 */
export function mergeAttrs(
  attrs: readonly Attribute[],
  changes: Attrs,
  allowSchemes: readonly string[],
): Attribute[] {
  const merged = new Map<string, string | true>(attrs)
  for (const [rawName, value] of entriesOf<AttrValue>(changes, 'attributes')) {
    const name = attributeName(rawName)
    if (value === false || value === null || value === undefined) merged.delete(name)
    else if (value === true) merged.set(name, true)
    else if (typeof value === 'string' || typeof value === 'number') {
      const text = String(value)
      if (URL_ATTRIBUTES.has(name)) checkScheme(text, allowSchemes, `the ${name} attribute`)
      merged.set(name, text)
    } else
      throw new TypeError(
        `@paste/url: attribute ${name} must be a string, number, boolean, null or undefined`,
      )
  }
  return [...merged]
}

/** Escapes text for element content or a quoted attribute value. */
export function escapeText(text: string): string {
  return escapeHtml(wellFormed(text))
}

/**
 * Renders one element. `content` is HTML (already escaped or trusted); `undefined` for an
 * element without content. Throws a `TypeError` when two attributes share a name (a
 * generated one, such as `href`, and one the caller set).
 */
export function renderElement(
  tag: string,
  attributes: readonly Attribute[],
  content: string | undefined,
): string {
  const seen = new Set<string>()
  let html = `<${tag}`
  for (const [name, value] of attributes) {
    if (seen.has(name))
      throw new TypeError(
        `@paste/url: the ${name} attribute of <${tag}> is generated; do not set it with attr()`,
      )
    seen.add(name)
    html += value === true ? ` ${name}` : ` ${name}="${escapeText(value)}"`
  }
  if (VOID_ELEMENTS.has(tag)) {
    if (content !== undefined && content !== '')
      throw new TypeError(`@paste/url: <${tag}> is a void element and cannot have content`)
    return `${html} />`
  }
  return `${html}>${content ?? ''}</${tag}>`
}
