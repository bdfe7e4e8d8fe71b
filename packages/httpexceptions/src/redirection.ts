import type { Context } from '@paste/core'
import { type HttpExceptionInit, HttpRedirection } from './exception.js'
import type { ErrorView } from './render.js'

// Schemes that run code in the browser: never a redirect target.
const SCRIPT_SCHEME = /^\s*(?:javascript|vbscript|data):/i
// C0 controls and DEL: header injection (CR, LF) or URL confusion (NUL, TAB).
const CONTROL = /[\u0000-\u001f\u007f]/

function checkLocation(location: unknown): string {
  if (typeof location !== 'string' || location === '')
    throw new TypeError('@paste/httpexceptions: location must be a non-empty string')
  if (CONTROL.test(location))
    throw new TypeError('@paste/httpexceptions: location must not contain control characters')
  if (SCRIPT_SCHEME.test(location))
    throw new TypeError('@paste/httpexceptions: location must not use a script or data scheme')
  if (!URL.canParse(location, 'http://base.invalid/'))
    throw new TypeError('@paste/httpexceptions: location is not a valid URL reference')
  return location
}

/**
 * Base of the redirects that carry a `Location` (Paste's `_HTTPMove`). The location may be
 * relative: it is resolved (RFC 3986 section 5) against the URL the client asked for, rebuilt
 * from the context (`origin + scriptName + pathInfo`), so `edit` means "next to this page"
 * and `/login` means the site root, wherever the app is mounted.
 *
 * @example
 * throw new Found('../login')
 */
export class HttpMove extends HttpRedirection {
  /** The location as given (resolved when rendered). */
  readonly location: string

  constructor(status: number, location: string, init?: HttpExceptionInit) {
    super(status, init)
    this.location = checkLocation(location)
  }

  /** The absolute location for this request. */
  resolveLocation(request: Request, context?: Context): string {
    return new URL(this.location, context ? context.url : request.url).href
  }

  protected override view(request: Request, context: Context | undefined): ErrorView {
    return { ...super.view(request, context), location: this.resolveLocation(request, context) }
  }
}

/** 300 Multiple Choices, with the preferred choice as Location. @example throw new MultipleChoices('/doc.en') */
export class MultipleChoices extends HttpMove {
  constructor(location: string, init?: HttpExceptionInit) {
    super(300, location, init)
  }
}

/** 301 Moved Permanently (RFC 9110 15.4.2). @example throw new MovedPermanently('/new-home') */
export class MovedPermanently extends HttpMove {
  constructor(location: string, init?: HttpExceptionInit) {
    super(301, location, init)
  }
}

/** 302 Found (RFC 9110 15.4.3). @example throw new Found('/login') */
export class Found extends HttpMove {
  constructor(location: string, init?: HttpExceptionInit) {
    super(302, location, init)
  }
}

/** 303 See Other: the answer to a POST is elsewhere, fetch it with GET. @example throw new SeeOther('/orders/42') */
export class SeeOther extends HttpMove {
  constructor(location: string, init?: HttpExceptionInit) {
    super(303, location, init)
  }
}

/**
 * 304 Not Modified: no body, no Location (RFC 9110 15.4.5). Pass the validators in `headers`.
 *
 * @example
 * throw new NotModified({ headers: { etag: '"v2"' } })
 */
export class NotModified extends HttpRedirection {
  constructor(init?: HttpExceptionInit) {
    super(304, init)
  }
}

/** 305 Use Proxy (deprecated by RFC 9110 15.4.6; kept as Paste has it). @example throw new UseProxy('http://proxy:3128/') */
export class UseProxy extends HttpMove {
  constructor(location: string, init?: HttpExceptionInit) {
    super(305, location, init)
  }
}

/** 307 Temporary Redirect: same method and body (RFC 9110 15.4.8). @example throw new TemporaryRedirect('/v2/upload') */
export class TemporaryRedirect extends HttpMove {
  constructor(location: string, init?: HttpExceptionInit) {
    super(307, location, init)
  }
}

/** 308 Permanent Redirect: same method and body (RFC 9110 15.4.9). @example throw new PermanentRedirect('/v2/upload') */
export class PermanentRedirect extends HttpMove {
  constructor(location: string, init?: HttpExceptionInit) {
    super(308, location, init)
  }
}
