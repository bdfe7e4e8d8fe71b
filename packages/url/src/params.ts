/*
 * Params: settings a kind of URL reads when it renders (Paste's `param()`), checked when set.
 */
import { jsString } from './encode.js'
import { tagName } from './html.js'
import { checkFlag, checkSize, WINDOW_FLAGS, WINDOW_SIZES, type WindowFlag } from './popup.js'

/**
 * What each kind reads when it renders. Unknown names are refused (a subclass that reads
 * more overrides `checkParam`).
 */
export interface UrlParams {
  /** The element to render. @default 'a' (Url, JsPopup), 'img' (Image), 'button' (Button) */
  tag?: string
  /** The link text, HTML-escaped when rendered (Url, Button, JsPopup). @default none */
  content?: string | number
  /**
   * Link content that is ALREADY SAFE HTML, inserted as it is: never pass text that came from
   * a user. Setting it clears `content`, and setting `content` clears it. @default none
   */
  trustedContentHtml?: string
  /** A question asked with `confirm()` before following the link (Url, Button). @default none */
  confirm?: string
  /** The window the popup opens in (JsPopup). @default '_blank' */
  target?: string
  /** Turn the popup's location bar, status bar and toolbar off (JsPopup); flag values count. @default false */
  stripped?: boolean | WindowFlag
  /** Popup width in pixels (a string of digits counts); 0 leaves it to the browser (JsPopup). @default 0 */
  width?: number | string
  /** Popup height in pixels (JsPopup). @default 0 */
  height?: number | string
  /** Popup left edge in pixels (JsPopup). @default 0 */
  left?: number | string
  /** Popup top edge in pixels (JsPopup). @default 0 */
  top?: number | string
  /** Window feature flags of the popup (JsPopup). @default not written */
  channelmode?: WindowFlag
  /** @default not written */
  directories?: WindowFlag
  /** @default not written */
  fullscreen?: WindowFlag
  /** @default not written */
  location?: WindowFlag
  /** @default not written */
  menubar?: WindowFlag
  /** @default not written */
  resizable?: WindowFlag
  /** @default not written */
  scrollbars?: WindowFlag
  /** @default not written */
  status?: WindowFlag
  /** @default not written */
  titlebar?: WindowFlag
  /** @default not written */
  toolbar?: WindowFlag
}

/** Params to change: `null`/`undefined` remove one (back to the kind's default). */
export type ParamChanges = { readonly [K in keyof UrlParams]?: UrlParams[K] | null | undefined }

const STRING_PARAMS = new Set(['trustedContentHtml', 'confirm', 'target'])

/** Checks one param's value and returns the value to keep, or throws a `TypeError` naming it. */
export function checkKnownParam(name: string, value: unknown): unknown {
  if (name === 'tag') tagName(value)
  else if (name === 'content') {
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new TypeError('@paste/url: the content param must be a string or a number')
  } else if (STRING_PARAMS.has(name)) {
    if (typeof value !== 'string')
      throw new TypeError(`@paste/url: the ${name} param must be a string`)
  } else if (name === 'stripped') return stripped(value)
  else if ((WINDOW_SIZES as readonly string[]).includes(name)) return checkSize(name, value)
  else if ((WINDOW_FLAGS as readonly string[]).includes(name)) checkFlag(name, value)
  else throw new TypeError(`@paste/url: unknown param ${jsString(name.slice(0, 40))}`)
  return value
}

/** `stripped` as a boolean: `true`/`false`, or a flag value as `item('stripped=1')` gives. */
function stripped(value: unknown): boolean {
  if (typeof value === 'boolean') return value
  checkFlag('stripped', value)
  return value === 1 || value === '1' || value === 'yes'
}
