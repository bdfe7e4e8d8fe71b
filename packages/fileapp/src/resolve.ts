/*
 * Maps a request path onto a directory without ever leaving it. pathInfo arrives normalised by
 * @paste/core (dot segments removed, unreserved escapes decoded, `%2F` kept encoded); each
 * segment is decoded exactly once here and refused if it could name anything but one entry
 * of its directory: `.`/`..`, a separator (`/`, `\`), NUL or another control character, an
 * over-long name. The file is then `root + sep + segments`, inside the root by construction;
 * symlinks are checked separately against the root's real path (see `isInside`).
 */
import { sep } from 'node:path'

/** A resolved path, or the status that refuses it. */
export type Resolved =
  | {
      readonly ok: true
      readonly path: string
      readonly segments: readonly string[]
      readonly trailingSlash: boolean
    }
  | { readonly ok: false; readonly status: 400 | 403 | 404; readonly reason: string }

/** What to do with names starting with a dot (`.env`, `.git`). */
export type DotfilePolicy = 'ignore' | 'deny' | 'allow'

/** Options for {@link resolveInside}. */
export interface ResolveOptions {
  /** `ignore` answers 404, `deny` 403, `allow` serves them. @default 'ignore' */
  dotfiles?: DotfilePolicy
}

/** Longest file name in bytes (NAME_MAX on Linux, macOS and NTFS). */
const NAME_MAX = 255
/** Longest request path considered at all. */
const PATH_MAX = 4096
const FORBIDDEN = /[/\\\x00-\x1f\x7f]/
const WINDOWS_FORBIDDEN = /[:*?"<>|]|[. ]$/

function refuse(status: 400 | 403 | 404, reason: string): Resolved {
  return { ok: false, status, reason }
}

/**
 * Resolves `pathInfo` under `root` (an absolute, normalised directory path).
 *
 * @example
 * resolveInside('/srv/static', '/css/site%20a.css')
 * // { ok: true, path: '/srv/static/css/site a.css', segments: ['css', 'site a.css'], trailingSlash: false }
 * resolveInside('/srv/static', '/..%2Fetc/passwd') // { ok: false, status: 400, ... }
 */
export function resolveInside(
  root: string,
  pathInfo: string,
  options: ResolveOptions = {},
): Resolved {
  if (pathInfo.length > PATH_MAX) return refuse(404, 'path too long')
  if (pathInfo !== '' && pathInfo[0] !== '/') return refuse(400, 'relative path')
  const raw = pathInfo.split('/')
  const trailingSlash = raw.length > 1 && raw[raw.length - 1] === ''
  const segments: string[] = []
  for (let i = 1; i < raw.length; i++) {
    const encoded = raw[i]!
    if (encoded === '') continue
    let name: string
    try {
      name = decodeURIComponent(encoded)
    } catch {
      return refuse(400, 'bad percent-encoding')
    }
    if (name === '.' || name === '..') return refuse(400, 'dot segment')
    if (FORBIDDEN.test(name)) return refuse(400, 'separator or control character in a name')
    if (sep === '\\' && WINDOWS_FORBIDDEN.test(name)) return refuse(400, 'reserved character')
    if (Buffer.byteLength(name) > NAME_MAX) return refuse(404, 'name too long')
    if (name[0] === '.' && options.dotfiles !== 'allow')
      return options.dotfiles === 'deny' ? refuse(403, 'dotfile') : refuse(404, 'dotfile')
    segments.push(name)
  }
  const base = root.endsWith(sep) ? root.slice(0, -1) : root
  const path = segments.length === 0 ? root : `${base}${sep}${segments.join(sep)}`
  return { ok: true, path, segments, trailingSlash }
}

/**
 * Tells whether `path` is `root` or inside it, on whole path segments: `/srv/static-secret`
 * is not inside `/srv/static` (the bug of Paste's `startswith`).
 *
 * @example
 * isInside('/srv/static/a', '/srv/static') // true
 * isInside('/srv/static-secret/a', '/srv/static') // false
 */
export function isInside(path: string, root: string): boolean {
  return insideOf(root)(path)
}

/**
 * {@link isInside} for one root, with its prefix built once (for a check on every request).
 *
 * @example
 * const inStatic = insideOf('/srv/static')
 * inStatic('/srv/static/a') // true
 */
export function insideOf(root: string): (path: string) => boolean {
  const prefix = root.endsWith(sep) ? root : root + sep
  return (path) => path === root || path.startsWith(prefix)
}
