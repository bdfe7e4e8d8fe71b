import { RequestBodyError } from './error.js'
import { trimOws } from './syntax.js'

/*
 * The headers of one multipart/form-data part (RFC 7578 section 4.2, 4.4):
 *
 *   Content-Disposition: form-data; name="field"[; filename="a.txt"][; filename*=utf-8''a.txt]
 *   Content-Type: text/plain            (default text/plain for fields)
 *
 * Each header line is `name ":" value`; lines are CRLF-separated (already split off the body).
 * Parameter values are read as the Fetch standard's multipart/form-data parser reads them:
 * a quoted value runs to the next `"` with no backslash escapes (browsers, and curl by
 * default, percent-encode `"`, CR and LF instead, as %22, %0D, %0A, which are decoded).
 */

/** What readForm needs to know about a part. */
export interface PartInfo {
  name: string
  /** Present (possibly '') when the part is a file. Path components are removed. */
  filename?: string
  contentType: string
}

// ext-value = charset "'" [ language ] "'" value-chars   (RFC 8187 section 3.2.1)
const EXT_VALUE = /^([A-Za-z0-9!#$%&+\-^_`{}~]+)'[A-Za-z0-9-]*'(.*)$/

function decodeExtValue(value: string): string | undefined {
  const m = EXT_VALUE.exec(value)
  if (!m || m[1]!.toLowerCase() !== 'utf-8') return undefined
  try {
    return decodeURIComponent(m[2]!)
  } catch {
    return undefined
  }
}

// Fetch standard, multipart/form-data parser: browsers percent-encode LF, CR and `"` in
// names and filenames (HTML "multipart/form-data encoding algorithm"); decode exactly those.
const ESCAPED = /%(0A|0D|22)/gi
const unescapeName = (s: string) =>
  s.replace(ESCAPED, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))

/** Reads `; name="value"; other=token` parameters; names lower-cased, first one wins. */
function dispositionParams(input: string): Record<string, string> {
  const params: Record<string, string> = Object.create(null)
  let i = 0
  while (i < input.length) {
    while (i < input.length && (input[i] === ';' || input[i] === ' ' || input[i] === '\t')) i++
    const eq = input.indexOf('=', i)
    if (eq === -1) break
    const name = trimOws(input.slice(i, eq)).toLowerCase()
    let value: string
    let j = eq + 1
    while (j < input.length && (input[j] === ' ' || input[j] === '\t')) j++
    if (input[j] === '"') {
      const close = input.indexOf('"', j + 1)
      if (close === -1) break // unterminated: the rest is unusable
      value = input.slice(j + 1, close)
      i = close + 1
    } else {
      const semi = input.indexOf(';', j)
      const end = semi === -1 ? input.length : semi
      value = trimOws(input.slice(j, end))
      i = end
    }
    if (!(name in params) && !name.includes(';')) params[name] = value
  }
  return params
}

/** Removes directory components a client may have sent (`C:\\x\\a.txt` -> `a.txt`). */
function basename(filename: string): string {
  const cut = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'))
  return cut === -1 ? filename : filename.slice(cut + 1)
}

/** Reads the part headers; throws a 400 when Content-Disposition is missing or has no name. */
export function partInfo(block: string): PartInfo {
  let disposition: string | undefined
  let contentType: string | undefined
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon === -1) continue
    const name = trimOws(line.slice(0, colon)).toLowerCase()
    const value = trimOws(line.slice(colon + 1))
    if (name === 'content-disposition') disposition ??= value
    else if (name === 'content-type') contentType ??= value
  }
  if (disposition === undefined)
    throw new RequestBodyError(400, 'a multipart part has no Content-Disposition')
  const semi = disposition.indexOf(';')
  const kind = trimOws(semi === -1 ? disposition : disposition.slice(0, semi)).toLowerCase()
  const params = semi === -1 ? {} : dispositionParams(disposition.slice(semi + 1))
  if (kind !== 'form-data' || params.name === undefined)
    throw new RequestBodyError(400, 'a multipart part has no form-data name')
  const info: PartInfo = {
    name: unescapeName(params.name),
    contentType: contentType ?? 'text/plain',
  }
  const extended =
    params['filename*'] === undefined ? undefined : decodeExtValue(params['filename*'])
  const filename =
    extended ?? (params.filename === undefined ? undefined : unescapeName(params.filename))
  if (filename !== undefined) {
    info.filename = basename(filename)
    info.contentType = contentType ?? 'application/octet-stream'
  }
  return info
}
