/*
 * Which paths matter: the extension list and the ignore rules, applied to a path relative to
 * the watched root with `/` separators. Pure, so it is tested on its own.
 */

/** An ignore rule: a name matches any path segment equal to it; a RegExp is tested on the relative path. */
export type IgnoreRule = string | RegExp

/**
 * What reacts by default: JavaScript, TypeScript and JSON sources.
 *
 * @example
 * await runWithReloader({ extensions: [...DEFAULT_EXTENSIONS, '.ini'] })
 */
export const DEFAULT_EXTENSIONS: readonly string[] = Object.freeze([
  '.js',
  '.mjs',
  '.cjs',
  '.ts',
  '.mts',
  '.json',
])

/**
 * What is skipped by default: `node_modules`, `.git`, and every dot-directory (`.turbo`,
 * `.cache`...). A RegExp sees directories with a trailing `/`, so this one spares dot-files.
 *
 * @example
 * await runWithReloader({ ignore: [...DEFAULT_IGNORE, 'dist', /\.test\.ts$/] })
 */
export const DEFAULT_IGNORE: readonly IgnoreRule[] = Object.freeze([
  'node_modules',
  '.git',
  /(^|\/)\.[^/]+\//,
])

/** The decisions the watcher asks for. */
export interface PathFilter {
  /** `rel` (relative, `/`-separated) is inside an ignored directory or is ignored itself. */
  ignored(rel: string, isDirectory: boolean): boolean
  /** A change to file `rel` should restart: not ignored, and one of the extensions. */
  relevant(rel: string): boolean
}

/** Builds the filter; an empty extension list reacts to every file. */
export function makeFilter(
  extensions: readonly string[],
  ignore: readonly IgnoreRule[],
): PathFilter {
  const names = new Set(ignore.filter((rule): rule is string => typeof rule === 'string'))
  const patterns = ignore.filter((rule): rule is RegExp => rule instanceof RegExp)
  const wanted = new Set(extensions)
  const ignored = (rel: string, isDirectory: boolean): boolean => {
    if (rel === '' || rel.startsWith('../')) return false
    if (names.size > 0 && rel.split('/').some((segment) => names.has(segment))) return true
    const subject = isDirectory ? `${rel}/` : rel
    // a global or sticky RegExp keeps lastIndex between calls: reset it so each test is fresh
    return patterns.some((pattern) => {
      pattern.lastIndex = 0
      return pattern.test(subject)
    })
  }
  return {
    ignored,
    relevant: (rel) => !ignored(rel, false) && (wanted.size === 0 || wanted.has(extensionOf(rel))),
  }
}

/** `.ts` for `a/b.d.ts`, `''` for `Makefile` or `.env` (a leading dot is a name, not an extension). */
export function extensionOf(rel: string): string {
  const name = rel.slice(rel.lastIndexOf('/') + 1)
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot) : ''
}
