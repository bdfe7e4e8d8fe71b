/*
 * Directory listings for urlParser, cached for a short time like file metadata. Names come
 * from the file system, never from the URL: a request can only ever select an existing entry.
 */
import { readdir } from 'node:fs/promises'

/** Caches `readdir` results by directory for `ttl` ms. */
export class Listings {
  readonly #ttl: number
  readonly #cache = new Map<string, { names: readonly string[]; expires: number }>()

  constructor(ttl: number) {
    this.#ttl = ttl
  }

  /** The entries of `dir` (empty when it cannot be read). */
  async get(dir: string, fresh = false): Promise<readonly string[]> {
    const hit = this.#cache.get(dir)
    if (hit && !fresh && hit.expires > Date.now()) return hit.names
    let names: string[]
    try {
      names = (await readdir(dir)).sort()
    } catch {
      names = []
    }
    if (this.#cache.size > 4096) this.#cache.clear()
    this.#cache.set(dir, { names, expires: Date.now() + this.#ttl })
    return names
  }
}

/** How file names are matched to a URL segment (Paste's find_file). */
export interface MatchRules {
  readonly hideExtensions: readonly string[]
  readonly ignoreExtensions: readonly string[]
  readonly hidden: (name: string) => boolean
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot <= 0 ? '' : name.slice(dot)
}

/**
 * Finds the entry a segment names: the exact name, or a unique name whose base (without the
 * extension) equals it. Ambiguous matches yield `{ ambiguous }`.
 *
 * @example
 * matchName(['index.txt', 'test2.html'], 'index', rules) // { name: 'index.txt' }
 */
export function matchName(
  names: readonly string[],
  wanted: string,
  rules: MatchRules,
): { name: string } | { ambiguous: string[] } | undefined {
  const possible: string[] = []
  for (const name of names) {
    const ext = extension(name)
    const base = ext === '' ? name : name.slice(0, -ext.length)
    if (base === '' || rules.hidden(name) || rules.hideExtensions.some((h) => name.endsWith(h)))
      continue
    if (name === wanted) return { name }
    if (rules.ignoreExtensions.includes(ext)) continue
    if (base === wanted) possible.push(name)
  }
  if (possible.length === 0) return undefined
  if (possible.length > 1) return { ambiguous: possible }
  return { name: possible[0]! }
}
