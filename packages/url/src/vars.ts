/*
 * Query variables: what callers may pass, and the one form they are kept in (an ordered
 * list of name/value string pairs, repeated names allowed).
 */
import { jsString } from './encode.js'

/** A single query value: written with `String()` (`true` is `'true'`). */
export type Scalar = string | number | boolean | bigint

/** A query value: `null`/`undefined` drop the variable, an array gives one pair per element. */
export type VarValue = Scalar | null | undefined | readonly (Scalar | null | undefined)[]

/**
 * Query variables: an object (`{ q: 'x', tag: ['a', 'b'] }`) or, to control the order or use
 * any name, pairs (`[['q', 'x'], ['tag', 'a']]`). Objects list integer-like names first (a
 * JavaScript rule); pairs keep exactly the order given.
 */
export type Vars = Readonly<Record<string, VarValue>> | Iterable<readonly [string, VarValue]>

/** A normalised query variable. */
export type VarPair = readonly [name: string, value: string]

function scalar(value: unknown, name: string): string {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value)
    default:
      throw new TypeError(
        `@paste/url: query variable ${jsString(name.slice(0, 40))} must be a string, number, boolean, bigint, null, undefined or an array of them`,
      )
  }
}

/** The entries of `vars` (an object or an iterable of pairs), checked. */
export function entriesOf<T>(vars: unknown, what: string): [string, T][] {
  if (vars === null || typeof vars !== 'object')
    throw new TypeError(`@paste/url: ${what} must be an object or an iterable of [name, value]`)
  if (!(Symbol.iterator in vars)) return Object.entries(vars) as [string, T][]
  const entries: [string, T][] = []
  for (const pair of vars as Iterable<unknown>) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string')
      throw new TypeError(`@paste/url: each of ${what} must be a [name, value] pair`)
    entries.push([pair[0], pair[1] as T])
  }
  return entries
}

/**
 * Normalises query variables: the pairs to add, and every name mentioned (a name whose
 * value is `null`/`undefined` is mentioned but adds no pair, which `setVar` uses to delete).
 */
export function normalizeVars(vars: Vars): { pairs: VarPair[]; names: Set<string> } {
  const pairs: VarPair[] = []
  const names = new Set<string>()
  for (const [name, value] of entriesOf<VarValue>(vars, 'query variables')) {
    names.add(name)
    if (value === null || value === undefined) continue
    if (Array.isArray(value)) {
      for (const item of value as readonly unknown[])
        if (item !== null && item !== undefined) pairs.push([name, scalar(item, name)])
    } else pairs.push([name, scalar(value, name)])
  }
  return { pairs, names }
}

/** The query string of `pairs` without its `?` (`application/x-www-form-urlencoded`). */
export function queryString(pairs: readonly VarPair[]): string {
  // URLSearchParams writes space as '+' (as Paste's urlencode does) and a lone surrogate as
  // U+FFFD, percent-encoded
  return new URLSearchParams(pairs as [string, string][]).toString()
}

/** Parses a query (with or without its `?`) into pairs, keeping order and repeats. */
export function parseQuery(search: string): VarPair[] {
  return [...new URLSearchParams(search)]
}
