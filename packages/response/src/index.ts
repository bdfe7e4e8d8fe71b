export {
  type BodyDoneCallback,
  type BodyDoneOptions,
  type BodyOutcome,
  onBodyDone,
} from './body-done.js'
export { type ContentDispositionOptions, contentDisposition } from './content-disposition.js'
export { type CookieOptions, serializeCookie } from './cookie.js'
export {
  addVary,
  appendHeader,
  hasHeader,
  isNullBodyStatus,
  mutableResponse,
  removeHeader,
  replaceHeader,
} from './headers.js'
export {
  interceptResponse,
  type ResponseChanges,
  type ResponseInterceptor,
  rewriteResponse,
} from './rewrite.js'
export { deleteCookie, setCookie } from './set-cookie.js'
