import { concat, indexOfBytes } from './body.js'
import { RequestBodyError } from './error.js'
import { MultiDict } from './multidict.js'
import { type PartInfo, partInfo } from './part-headers.js'

/*
 * A streaming multipart/form-data parser (RFC 7578, RFC 2046 section 5.1.1):
 *
 *   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF body-part
 *                     *encapsulation close-delimiter transport-padding [CRLF epilogue]
 *   dash-boundary  := "--" boundary
 *   encapsulation  := delimiter transport-padding CRLF body-part
 *   delimiter      := CRLF dash-boundary
 *   close-delimiter := delimiter "--"
 *   body-part      := MIME-part-headers [CRLF *OCTET]
 *
 * Bytes are consumed as they arrive. The parser holds at most one chunk plus the part
 * headers (bounded by maxHeaderBytes) or plus delimiter-length bytes of a part body, and
 * enforces every limit as it goes: field and file sizes, field and file counts (413). A body
 * that ends before the close delimiter, a part without a name, a header block that is not
 * UTF-8 and so on are 400s. Delimiter search is a first-byte scan plus a compare: O(n * m)
 * with m the delimiter length (at most 74), never quadratic in the input.
 */

/** Limits for {@link parseMultipart}; all required (defaults live in readForm). */
export interface MultipartLimits {
  maxFields: number
  maxFiles: number
  maxFieldBytes: number
  maxFileBytes: number
  maxHeaderBytes: number
}

const CRLF = new Uint8Array([13, 10])
const CRLFCRLF = new Uint8Array([13, 10, 13, 10])
const enc = new TextEncoder()
const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'epilogue'

interface OpenPart {
  info: PartInfo
  chunks: Uint8Array[]
  size: number
}

/**
 * Parses a multipart/form-data body from its chunks into a {@link MultiDict}: text fields as
 * strings, parts with a filename as `File`s. Throws {@link RequestBodyError} (400/413).
 */
export async function parseMultipart(
  chunks: AsyncIterable<Uint8Array>,
  boundary: string,
  limits: MultipartLimits,
): Promise<MultiDict<string | File>> {
  const parser = new MultipartParser(boundary, limits)
  for await (const chunk of chunks) parser.write(chunk)
  return parser.end()
}

class MultipartParser {
  readonly #delimiter: Uint8Array
  readonly #limits: MultipartLimits
  readonly #form = new MultiDict<string | File>()
  #state: State = 'preamble'
  // The body is read as if it began with CRLF, so the first dash-boundary is a delimiter.
  #buffer: Uint8Array = CRLF
  #scanFrom = 0
  #part: OpenPart | undefined
  #fields = 0
  #files = 0

  constructor(boundary: string, limits: MultipartLimits) {
    this.#delimiter = enc.encode(`\r\n--${boundary}`)
    this.#limits = limits
  }

  write(chunk: Uint8Array): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : concat([this.#buffer, chunk])
    while (this.#step()) {}
  }

  end(): MultiDict<string | File> {
    if (this.#state !== 'epilogue')
      throw new RequestBodyError(400, 'the multipart body ends before its close delimiter')
    return this.#form
  }

  /** Advances the state machine once; false when it needs more bytes. */
  #step(): boolean {
    switch (this.#state) {
      case 'preamble':
        return this.#seekDelimiter(false)
      case 'after-delimiter':
        return this.#afterDelimiter()
      case 'headers':
        return this.#headers()
      case 'body':
        return this.#seekDelimiter(true)
      case 'epilogue':
        this.#buffer = new Uint8Array(0) // ignored (RFC 2046: the epilogue has no meaning)
        return false
    }
  }

  #seekDelimiter(inBody: boolean): boolean {
    const at = indexOfBytes(this.#buffer, this.#delimiter)
    if (at === -1) {
      // keep the bytes that could start a delimiter split across chunks
      const keep = Math.min(this.#buffer.length, this.#delimiter.length - 1)
      const safe = this.#buffer.length - keep
      if (inBody && safe > 0) this.#append(this.#buffer.subarray(0, safe))
      this.#buffer = this.#buffer.subarray(safe)
      return false
    }
    if (inBody) {
      this.#append(this.#buffer.subarray(0, at))
      this.#closePart()
    }
    this.#buffer = this.#buffer.subarray(at + this.#delimiter.length)
    this.#state = 'after-delimiter'
    return true
  }

  #afterDelimiter(): boolean {
    const b = this.#buffer
    if (b.length < 2) return false
    if (b[0] === 45 && b[1] === 45 /* -- */) {
      this.#state = 'epilogue'
      return true
    }
    // transport-padding := *LWSP-char, then CRLF
    let i = 0
    while (i < b.length && (b[i] === 32 || b[i] === 9)) i++
    if (i > 256) throw new RequestBodyError(400, 'malformed multipart delimiter')
    if (b.length < i + 2) return false
    if (b[i] !== 13 || b[i + 1] !== 10)
      throw new RequestBodyError(400, 'malformed multipart delimiter')
    this.#buffer = b.subarray(i + 2)
    this.#state = 'headers'
    this.#scanFrom = 0
    return true
  }

  #headers(): boolean {
    const b = this.#buffer
    // A part with no header lines at all starts directly with CRLF.
    const at = b[0] === 13 && b[1] === 10 ? -2 : indexOfBytes(b, CRLFCRLF, this.#scanFrom)
    if (at === -1) {
      if (b.length > this.#limits.maxHeaderBytes)
        throw new RequestBodyError(413, 'a multipart part has too large headers')
      this.#scanFrom = Math.max(0, b.length - 3)
      return false
    }
    const end = at === -2 ? 0 : at
    if (end > this.#limits.maxHeaderBytes)
      throw new RequestBodyError(413, 'a multipart part has too large headers')
    let text: string
    try {
      text = fatal.decode(b.subarray(0, end))
    } catch {
      throw new RequestBodyError(400, 'multipart part headers are not UTF-8')
    }
    this.#openPart(partInfo(text))
    this.#buffer = b.subarray(at === -2 ? 2 : at + 4)
    this.#state = 'body'
    return true
  }

  #openPart(info: PartInfo): void {
    if (info.filename !== undefined) {
      if (++this.#files > this.#limits.maxFiles)
        throw new RequestBodyError(413, `the form has more than ${this.#limits.maxFiles} files`)
    } else if (++this.#fields > this.#limits.maxFields) {
      throw new RequestBodyError(413, `the form has more than ${this.#limits.maxFields} fields`)
    }
    this.#part = { info, chunks: [], size: 0 }
  }

  #append(bytes: Uint8Array): void {
    const part = this.#part!
    if (bytes.length === 0) return
    part.size += bytes.length
    const isFile = part.info.filename !== undefined
    const max = isFile ? this.#limits.maxFileBytes : this.#limits.maxFieldBytes
    if (part.size > max)
      throw new RequestBodyError(413, `a ${isFile ? 'file' : 'field'} exceeds ${max} bytes`)
    part.chunks.push(bytes)
  }

  #closePart(): void {
    const { info, chunks, size } = this.#part!
    this.#part = undefined
    if (info.filename !== undefined) {
      this.#form.append(info.name, new File(chunks, info.filename, { type: info.contentType }))
      return
    }
    try {
      this.#form.append(info.name, fatal.decode(concat(chunks, size)))
    } catch {
      throw new RequestBodyError(400, `the field ${JSON.stringify(info.name)} is not UTF-8`)
    }
  }
}
