import { isToken, parseParameters, trimOws } from './syntax.js'

/*
 * Content-Type, RFC 9110 section 8.3.1:
 *
 *   media-type = type "/" subtype parameters
 *   type       = token
 *   subtype    = token
 */

/** A parsed media type: `type` is `type/subtype`, lower-cased; parameter names lower-cased. */
export interface ContentType {
  type: string
  params: Record<string, string>
}

/**
 * Parses a Content-Type header. Returns `undefined` when the type is not `token/token`;
 * malformed parameters are skipped (the first occurrence of a name wins). Never throws.
 *
 * @example
 * parseContentType('multipart/form-data; boundary="x y"')
 * // { type: 'multipart/form-data', params: { boundary: 'x y' } }
 */
export function parseContentType(header: string | null | undefined): ContentType | undefined {
  if (!header) return undefined
  const semi = header.indexOf(';')
  const type = trimOws(semi === -1 ? header : header.slice(0, semi)).toLowerCase()
  const slash = type.indexOf('/')
  if (slash === -1 || !isToken(type.slice(0, slash)) || !isToken(type.slice(slash + 1)))
    return undefined
  const params = semi === -1 ? Object.create(null) : parseParameters(header.slice(semi + 1))!
  return { type, params }
}
