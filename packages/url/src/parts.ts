/*
 * The parts of a URL a Url keeps: the base, the query, the fragment, and the path an
 * addPath argument adds. Pure functions.
 */
import { encodeSegment, encodeUrlText, UNSAFE_SCHEMES, type UnsafeScheme } from './encode.js'

/** Checks the allowSchemes option, or throws a `TypeError`. */
export function checkAllowSchemes(value: unknown): readonly UnsafeScheme[] {
  if (value === undefined) return []
  if (
    !Array.isArray(value) ||
    !value.every((s) => (UNSAFE_SCHEMES as readonly unknown[]).includes(s))
  )
    throw new TypeError(`@paste/url: allowSchemes must be an array of ${UNSAFE_SCHEMES.join(', ')}`)
  return Object.freeze([...value])
}

/** Splits `url` into what comes before `?`, the query and the fragment. */
export function splitUrl(url: string): [base: string, query: string, fragment: string | undefined] {
  const hash = url.indexOf('#')
  const fragment = hash === -1 ? undefined : url.slice(hash + 1)
  const beforeHash = hash === -1 ? url : url.slice(0, hash)
  const question = beforeHash.indexOf('?')
  if (question === -1) return [beforeHash, '', fragment]
  return [beforeHash.slice(0, question), beforeHash.slice(question + 1), fragment]
}

/** A fragment as written after `#`: URL text, with `#` itself encoded. */
export function encodeFragment(fragment: string): string {
  return encodeUrlText(fragment).replaceAll('#', '%23')
}

/**
 * The path an `addPath` argument adds: `/` separates segments, each percent-encoded; empty
 * segments (leading, doubled slashes) are dropped, a trailing `/` is kept; `.` and `..` are
 * refused, since a browser would resolve them (even as `%2e%2e`) and climb out of the base.
 */
export function pathOf(argument: string | number): string {
  if (typeof argument !== 'string' && typeof argument !== 'number')
    throw new TypeError('@paste/url: a path segment must be a string or a number')
  const segments = String(argument).split('/')
  const last = segments.length - 1
  const kept: string[] = []
  for (let i = 0; i <= last; i++) {
    const segment = segments[i]!
    if (segment === '.' || segment === '..')
      throw new TypeError(`@paste/url: a "${segment}" path segment is refused`)
    if (segment !== '' || i === last) kept.push(encodeSegment(segment))
  }
  return kept.join('/')
}
