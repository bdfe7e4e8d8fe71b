export { type App, compose, type Middleware, pipe } from './app.js'
export {
  Context,
  type ContextChanges,
  type ContextInit,
  createKey,
  type Key,
  type PeerSource,
} from './context.js'
export {
  type ContextOptions,
  type CreateContextOptions,
  contextBuilder,
  contextFromParts,
  createContext,
  isValidHost,
  type RequestParts,
  toFetchHandler,
} from './create.js'
export { base64urlDecode, base64urlEncode, escapeHtml } from './encoding.js'
export {
  HTTP_ERROR,
  type HttpErrorLike,
  internalServerError,
  isHttpError,
  MalformedRequestError,
} from './error.js'
export {
  type ClientView,
  compileTrust,
  type ForwardedElement,
  parseForwarded,
  resolveClientView,
  type TrustProxy,
} from './forwarded.js'
export { addressMatcher, type Cidr, type IpBytes, inCidr, parseCidr, parseIp } from './ip.js'
export { KNOWN_BODY, knownBody } from './known-body.js'
export { consoleLogger, type Logger, silentLogger } from './logger.js'
export { type LoginDetails, type LoginManager, loginKey } from './login.js'
export { isPathPrefix, normalizePath } from './path.js'
export { ON_SENT, type SentCallback, type SentOutcome, whenSent } from './sent.js'
export { timingSafeEqual } from './timing-safe.js'
