/*
 * The header block of a CGI response (RFC 3875 section 6.3), read from the script's stdout.
 *
 *   CGI-Response  = document-response | local-redir-response | client-redir-response | ...
 *   header-field  = field-name ":" [ field-value ] NL
 *   field-name    = token                               (RFC 9110 section 5.6.2)
 *   NL            = LF, or CR LF                        (what scripts print in practice)
 *   Status        = "Status:" SP status-code SP reason-phrase NL    (section 6.3.3)
 *
 * The block ends at the first empty line. Anything that could split or smuggle a response is
 * refused instead of repaired: a CR that does not end a line, NUL or other control bytes,
 * folded (continuation) lines, a line without a colon, a name that is not a token, a second
 * Status or Location, a block larger than the limit, or output that ends before the blank
 * line. The caller answers 502 and logs the reason.
 */

/**
 * Output the script sent that is not a CGI response; `message` is for the log only.
 *
 * @example
 * try { parser.push(chunk) } catch (error) { if (error instanceof CgiOutputError) log(error.message) }
 */
export class CgiOutputError extends Error {
  override readonly name = 'CgiOutputError'
}

/** The parsed header block. Values are byte strings (latin1), as HTTP carries them. */
export interface CgiHead {
  /** From `Status:`, if given. */
  status?: { code: number; reason: string }
  /** From `Location:`, if given. */
  location?: string
  /** Every other field, in order, names lower-cased. */
  fields: [name: string, value: string][]
}

// token = 1*tchar
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// field-value bytes: HTAB, SP, VCHAR, obs-text; never CR, LF, NUL or other controls
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
// status-code SP reason-phrase; the reason may be missing (scripts often print "Status: 404")
const STATUS = /^([2-5]\d\d)(?:[ \t]+(.*))?$/

/**
 * Removes leading and trailing SP / HTAB (OWS) by scanning from both ends. Not a regex: in
 * `/[ \t]+$/` every start inside a run of blanks rescans the whole run, so a 60 KiB value
 * (which a script echoing client input can print) would block the event loop for seconds.
 */
function trimOws(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && (s[start] === ' ' || s[start] === '\t')) start++
  while (end > start && (s[end - 1] === ' ' || s[end - 1] === '\t')) end--
  return s.slice(start, end)
}

function parseLine(line: string, head: CgiHead): void {
  if (line.includes('\r')) throw new CgiOutputError('a CR inside a header line')
  if (line[0] === ' ' || line[0] === '\t')
    throw new CgiOutputError('a folded (continuation) header line')
  const colon = line.indexOf(':')
  if (colon === -1) throw new CgiOutputError('a header line without a colon')
  const name = line.slice(0, colon).toLowerCase()
  const value = trimOws(line.slice(colon + 1))
  if (!TOKEN.test(name)) throw new CgiOutputError('a header name that is not a token')
  if (!FIELD_VALUE.test(value)) throw new CgiOutputError(`control characters in ${name}`)
  if (name === 'status') {
    if (head.status) throw new CgiOutputError('two Status lines')
    const m = STATUS.exec(value)
    if (!m) throw new CgiOutputError('a Status that is not a 200-599 code')
    head.status = { code: Number(m[1]), reason: m[2] ?? '' }
  } else if (name === 'location') {
    if (head.location !== undefined) throw new CgiOutputError('two Location lines')
    head.location = value
  } else head.fields.push([name, value])
}

/**
 * Incremental parser: feed stdout chunks to {@link HeadParser.push} until it returns the
 * head and the first body bytes; call {@link HeadParser.end} if stdout ends first.
 *
 * @example
 * const parser = new HeadParser(65536)
 * for await (const chunk of stdout) { const done = parser.push(chunk); if (done) return done }
 * parser.end() // throws: no blank line
 */
export class HeadParser {
  #buffer: Buffer = Buffer.alloc(0)
  #scanned = 0
  readonly #head: CgiHead = { fields: [] }

  constructor(readonly maxBytes: number) {}

  /** Feeds a chunk; returns the head and the rest of the chunk once the blank line is seen. */
  push(chunk: Uint8Array): { head: CgiHead; rest: Uint8Array } | undefined {
    this.#buffer = Buffer.concat([this.#buffer, chunk])
    for (;;) {
      const lf = this.#buffer.indexOf(0x0a, this.#scanned)
      if (lf === -1) break
      const end = lf > this.#scanned && this.#buffer[lf - 1] === 0x0d ? lf - 1 : lf
      const line = this.#buffer.toString('latin1', this.#scanned, end)
      this.#scanned = lf + 1
      if (this.#scanned > this.maxBytes) break
      if (line === '') return { head: this.#head, rest: this.#buffer.subarray(this.#scanned) }
      parseLine(line, this.#head)
    }
    if (this.#buffer.length > this.maxBytes)
      throw new CgiOutputError(`a header block over ${this.maxBytes} bytes`)
    return undefined
  }

  /** Stdout ended: a head without its blank line is not a CGI response. */
  end(): never {
    throw new CgiOutputError(
      this.#buffer.length === 0
        ? 'no output at all'
        : 'output ended before the blank line after the headers',
    )
  }
}
