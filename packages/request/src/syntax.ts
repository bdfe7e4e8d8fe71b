/*
 * Linear-time scanners for the shared HTTP field grammar (RFC 9110 section 5.6):
 *
 *   token         = 1*tchar
 *   tchar         = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_"
 *                   / "`" / "|" / "~" / DIGIT / ALPHA
 *   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
 *   quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
 *   parameters    = *( OWS ";" OWS [ parameter ] )
 *   parameter     = parameter-name "=" parameter-value
 *   #element      = [ element ] *( OWS "," OWS [ element ] )
 *
 * Every function walks the input once, character by character, with no regular expression
 * that can backtrack, so a hostile 64 KiB header costs linear time. None of them throws.
 */

// token = 1*tchar (one character class, anchored, no nested quantifier: linear)
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Tells whether `s` is an RFC 9110 token. */
export function isToken(s: string): boolean {
  return TOKEN.test(s)
}

function isOws(c: number): boolean {
  return c === 32 || c === 9
}

/**
 * Splits a comma-separated list (`#element`), ignoring commas inside quoted strings.
 * Empty elements are dropped; elements are trimmed of OWS. Stops after `limit` elements.
 */
export function splitList(
  value: string,
  separator = ',',
  limit = Number.POSITIVE_INFINITY,
): string[] {
  const out: string[] = []
  const sep = separator.charCodeAt(0)
  const push = (raw: string) => {
    const element = trimOws(raw)
    if (element !== '') out.push(element)
  }
  let start = 0
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (quoted) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) quoted = false
    } else if (c === 34) {
      quoted = true
    } else if (c === sep) {
      push(value.slice(start, i))
      start = i + 1
      if (out.length >= limit) return out
    }
  }
  push(value.slice(start))
  return out
}

/** Removes leading and trailing spaces and tabs. */
export function trimOws(s: string): string {
  let a = 0
  let b = s.length
  while (a < b && isOws(s.charCodeAt(a))) a++
  while (b > a && isOws(s.charCodeAt(b - 1))) b--
  return a === 0 && b === s.length ? s : s.slice(a, b)
}

/**
 * Reads a quoted-string starting at `s[start] === '"'`. Returns the unescaped content and the
 * index after the closing quote, or `undefined` when the string is not terminated.
 */
export function readQuoted(s: string, start: number): { value: string; end: number } | undefined {
  let value = ''
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i]!
    if (c === '\\') {
      if (i + 1 >= s.length) return undefined
      value += s[++i]
    } else if (c === '"') {
      return { value, end: i + 1 }
    } else {
      value += c
    }
  }
  return undefined
}

/**
 * Parses `;`-separated parameters (`a=1; b="x y"`). Names are lower-cased; the first
 * occurrence of a name wins; malformed parameters are skipped. Returns `undefined` only when
 * `strict` and a parameter is malformed.
 */
export function parseParameters(s: string, strict = false): Record<string, string> | undefined {
  const params: Record<string, string> = Object.create(null)
  for (const raw of splitList(s, ';')) {
    const eq = raw.indexOf('=')
    const name = trimOws(eq === -1 ? raw : raw.slice(0, eq)).toLowerCase()
    if (eq === -1 || !isToken(name)) {
      if (strict) return undefined
      continue
    }
    const rest = trimOws(raw.slice(eq + 1))
    let value: string
    if (rest.startsWith('"')) {
      const q = readQuoted(rest, 0)
      if (q === undefined || q.end !== rest.length) {
        if (strict) return undefined
        continue
      }
      value = q.value
    } else {
      value = rest
    }
    if (!(name in params)) params[name] = value
  }
  return params
}
