/* Checks of the request context lint receives: the invariants design.md section 1 states. */
import { type Context, isValidHost, normalizePath } from '@paste/core'
import type { Finding } from './head.js'

/** Checks the context's own invariants (scheme, host, scriptName, pathInfo, search). */
export function checkContext(context: Context): Finding[] {
  const findings: Finding[] = []
  const bad = (message: string) => findings.push({ rule: 'context', message })
  if (context === null || typeof context !== 'object' || typeof context.pathInfo !== 'string') {
    bad('the app was called without a Context')
    return findings
  }
  const { scheme, host, scriptName, pathInfo, search } = context
  if (scheme !== 'http' && scheme !== 'https')
    bad(`scheme ${JSON.stringify(scheme)} is not http or https`)
  if (typeof host !== 'string' || !isValidHost(host))
    bad(`host ${JSON.stringify(host)} is not host[:port]`)
  // scriptName is '' or '/x' without a trailing slash ('/' alone must be '' + '/')
  if (scriptName !== '' && (scriptName[0] !== '/' || scriptName.endsWith('/')))
    bad(
      `scriptName ${JSON.stringify(scriptName)} must be '' or start with '/' and not end with '/'`,
    )
  else if (scriptName !== '' && normalizePath(scriptName) !== scriptName)
    bad(`scriptName ${JSON.stringify(scriptName)} is not a normalised path`)
  if (pathInfo !== '' && pathInfo[0] !== '/')
    bad(`pathInfo ${JSON.stringify(pathInfo)} must be '' or start with '/'`)
  else if (pathInfo !== '' && normalizePath(pathInfo) !== pathInfo)
    bad(
      `pathInfo ${JSON.stringify(pathInfo)} is not normalised (expected ${JSON.stringify(normalizePath(pathInfo))})`,
    )
  if (search !== '' && (search[0] !== '?' || search.length === 1))
    bad(`search ${JSON.stringify(search)} must be '' or '?' followed by the query`)
  return findings
}

/** Checks that scriptName + pathInfo + search describe the request's own URL. */
export function checkContextUrl(request: Request, context: Context): Finding[] {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return [
      { rule: 'context-url', message: `request.url ${JSON.stringify(request.url)} is not a URL` },
    ]
  }
  const path = normalizePath(url.pathname)
  const split = `${context.scriptName}${context.pathInfo}` || '/'
  if (path !== null && path !== split)
    return [
      {
        rule: 'context-url',
        message: `scriptName + pathInfo is ${JSON.stringify(split)} but the request is for ${JSON.stringify(path)}; derive a new Request when you change the path`,
      },
    ]
  // compare queries as the URL parser serialises them (it percent-encodes a few characters)
  const search = context.search === '' ? '' : new URL(context.search, url).search
  if (url.search !== search)
    return [
      {
        rule: 'context-url',
        message: `context.search is ${JSON.stringify(context.search)} but the request's query is ${JSON.stringify(url.search)}`,
      },
    ]
  return []
}
