import { RequestBodyError } from './error.js'
import { MultiDict } from './multidict.js'

/*
 * application/x-www-form-urlencoded bodies (WHATWG URL "application/x-www-form-urlencoded
 * parsing"), read strictly: `+` is a space, `%XX` escapes are bytes, and the bytes of each
 * name and value must be valid UTF-8 (else 400). A `%` not followed by two hex digits is kept
 * literally, as browsers do.
 */

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 65 && c <= 70) return c - 55
  if (c >= 97 && c <= 102) return c - 87
  return -1
}

/** Decodes one name or value from its raw bytes; throws a 400 on invalid UTF-8. */
function decodeComponent(bytes: Uint8Array, start: number, end: number): string {
  const out = new Uint8Array(end - start)
  let n = 0
  for (let i = start; i < end; i++) {
    const b = bytes[i]!
    if (b === 43 /* + */) out[n++] = 32
    else if (b === 37 /* % */) {
      const hi = i + 1 < end ? hex(bytes[i + 1]!) : -1
      const lo = i + 2 < end ? hex(bytes[i + 2]!) : -1
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo
        i += 2
      } else out[n++] = b
    } else out[n++] = b
  }
  try {
    return fatal.decode(out.subarray(0, n))
  } catch {
    throw new RequestBodyError(400, 'the form is not valid UTF-8')
  }
}

/**
 * Parses a urlencoded body. Throws a 413 when it has more than `maxFields` fields and a 400
 * when a name or value is not UTF-8.
 */
export function parseUrlencoded(bytes: Uint8Array, maxFields: number): MultiDict<string> {
  const dict = new MultiDict<string>()
  let start = 0
  while (start <= bytes.length) {
    let end = bytes.indexOf(38 /* & */, start)
    if (end === -1) end = bytes.length
    if (end > start) {
      if (dict.size >= maxFields)
        throw new RequestBodyError(413, `the form has more than ${maxFields} fields`)
      let eq = start
      while (eq < end && bytes[eq] !== 61 /* = */) eq++
      const name = decodeComponent(bytes, start, eq)
      const value = eq < end ? decodeComponent(bytes, eq + 1, end) : ''
      dict.append(name, value)
    }
    start = end + 1
  }
  return dict
}
