/** Re-exported from `@paste/core`. */
export { escapeHtml, HTTP_ERROR, type HttpErrorLike, isHttpError } from '@paste/core'
export * from './client.js'
export {
  type HeadersLike,
  HttpClientError,
  HttpError,
  HttpException,
  type HttpExceptionInit,
  type HttpExceptionOptions,
  HttpRedirection,
  HttpServerError,
} from './exception.js'
export { type HttpExceptionsOptions, httpExceptions } from './middleware.js'
export * from './redirection.js'
export { getException, type HttpErrorOptions, httpError } from './registry.js'
export * from './server.js'
export { STATUS_TEXT, type StatusText, statusText } from './statuses.js'
