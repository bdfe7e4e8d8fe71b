import { MultiDict } from './multidict.js'

/**
 * Parses a query string (`?a=1&a=2&b`) into a {@link MultiDict}, keeping repeated names and
 * their order (WHATWG `application/x-www-form-urlencoded` parsing: `+` is a space, bad
 * percent-escapes are kept literally, invalid UTF-8 becomes U+FFFD). Never throws.
 *
 * @example
 * parseQuery('?tag=a&tag=b&q=x+y').getAll('tag') // ['a', 'b']
 * parseQuery(context.search).get('q')            // 'x y'
 */
export function parseQuery(search: string): MultiDict<string> {
  const dict = new MultiDict<string>()
  for (const [name, value] of new URLSearchParams(search)) dict.append(name, value)
  return dict
}
