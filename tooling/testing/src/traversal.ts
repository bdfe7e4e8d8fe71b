import fc from 'fast-check'

/**
 * Request targets that try to leave a served directory, for raw (byte-exact) requests.
 * They assume the layout the file-serving tests build: the served root holds `ok.txt` and
 * `sub/deep.txt`; its parent holds `secret.txt` and a sibling directory `static-secret/`
 * (sharing the root's name as a prefix) with a `key`. Every one must be refused (400, 403
 * or 404) and none may return a secret. Encodings, separators, NUL, overlong UTF-8, double
 * encoding, over-long names and dotfiles are all covered.
 *
 * @example
 * for (const target of TRAVERSAL_TARGETS) expect([400, 403, 404]).toContain((await rawRequest(url, target)).status)
 */
export const TRAVERSAL_TARGETS: readonly string[] = [
  '/../secret.txt',
  '/sub/../../secret.txt',
  '/%2e%2e/secret.txt',
  '/%2E%2E/%2e%2e/secret.txt',
  '/.%2e/secret.txt',
  '/..%2fsecret.txt',
  '/..%2Fstatic-secret%2Fkey',
  '/..%5csecret.txt',
  '/..%5Cstatic-secret%5Ckey',
  '/%5c..%5c..%5csecret.txt',
  '/\\..\\secret.txt',
  '/%252e%252e%252fsecret.txt',
  '/%25%32%65%25%32%65/secret.txt',
  '/ok.txt%00.png',
  '/%00',
  '/..%00/secret.txt',
  '/%c0%ae%c0%ae/secret.txt',
  '/%ff%fe',
  '/%',
  '/../static-secret/key',
  '/%2e%2e/static-secret/key',
  '/sub/%2e%2e%2f%2e%2e%2fsecret.txt',
  `/${'a'.repeat(300)}`,
  `/${'a/'.repeat(3000)}x`,
  `/${'%2e%2e/'.repeat(50)}secret.txt`,
  '/ok.txt/..%2f..%2fsecret.txt',
  '/.git/config',
]

// Separators, dot segments and their encodings: the pieces traversal paths are made of.
const TRAVERSAL_PIECES = ['/', '.', '..', '%2e', '%2E', '%2f', '%2F', '%5c', '%5C', '\\']
const ODD_PIECES = ['%00', '%25', '%', '%c0%ae', ';', ':', '~']

/**
 * A fast-check arbitrary of request paths assembled from traversal pieces, odd escapes and
 * the given names (the files and directories of the fixture), for properties like "the
 * resolved file is inside the root or the request is refused".
 *
 * @example
 * fc.assert(fc.property(traversalPath(['ok.txt', 'secret.txt']), (raw) => check(raw)))
 */
export function traversalPath(names: readonly string[], maxPieces = 24): fc.Arbitrary<string> {
  const piece = fc.constantFrom(...TRAVERSAL_PIECES, ...ODD_PIECES, ...names)
  return fc.array(piece, { maxLength: maxPieces }).map((parts) => `/${parts.join('')}`)
}
