export { UNSAFE_SCHEMES, type UnsafeScheme } from './encode.js'
export type { Attribute, Attrs, AttrValue } from './html.js'
export type { ParamChanges, UrlParams } from './params.js'
export type { WindowFlag } from './popup.js'
export {
  Button,
  type FromContextOptions,
  Image,
  JsPopup,
  type KeywordTarget,
  Url,
  type UrlInit,
  type UrlKind,
} from './url.js'
export type { Scalar, VarPair, Vars, VarValue } from './vars.js'
