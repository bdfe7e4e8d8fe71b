/*
 * HTTP-date in whole seconds, on top of @paste/request's parser (RFC 9110 section 5.6.7),
 * plus one leniency: old browsers append "; length=N" to If-Modified-Since (Paste accepted it).
 */
import { formatHttpDate as format, parseHttpDate as parse } from '@paste/request'

const LEGACY_LENGTH = /;\s*length=\d{1,20}\s*$/i

/**
 * Parses an HTTP-date to whole seconds since the epoch; `undefined` when absent or invalid
 * (a recipient then ignores the header field).
 *
 * @example
 * parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT; length=1506') // 784111777
 */
export function parseHttpDate(value: string | null | undefined): number | undefined {
  if (!value) return undefined
  const date = parse(value.replace(LEGACY_LENGTH, ''))
  return date === undefined ? undefined : Math.floor(date.getTime() / 1000)
}

/**
 * Formats whole seconds since the epoch as an IMF-fixdate.
 *
 * @example
 * formatHttpDate(784111777) // 'Sun, 06 Nov 1994 08:49:37 GMT'
 */
export function formatHttpDate(seconds: number): string {
  return format(seconds * 1000)
}
