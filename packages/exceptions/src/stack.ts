/** One frame of a parsed stack trace. */
export interface StackFrame {
  /** The function (or `Class.method`, `new Foo`, `async fn`), when the engine names it. */
  function?: string
  /** The file path or URL, when known (absent for native frames). */
  file?: string
  /** 1-based line number. */
  line?: number
  /** 1-based column number. */
  column?: number
  /** A frame of the runtime itself (`node:internal/...`, `native`, `<anonymous>`). */
  internal: boolean
  /** A frame inside `node_modules` (a dependency, not the application). */
  dependency: boolean
  /** The frame line as the engine wrote it. */
  raw: string
}

// V8: "    at [async ][new ]<function> (<location>)" or "    at <location>", where
// location = <file>:<line>:<column> | native | <anonymous> | eval at ... (<file>:<l>:<c>)
const V8_FRAME = /^\s*at (?:(.+?) \((.*)\)|(.+))$/
// SpiderMonkey / JavaScriptCore: "<function>@<file>:<line>:<column>"
const GECKO_FRAME = /^(.*?)@(.+?)(?::(\d+))?(?::(\d+))?$/
// "<file>:<line>:<column>" at the end of a location
const LOCATION = /^(.*?):(\d+):(\d+)$/

function location(text: string): Pick<StackFrame, 'file' | 'line' | 'column'> {
  // an eval frame names the eval site last: "eval at f (file:1:2), <anonymous>:3:4"
  const evalSite = /\((.*?:\d+:\d+)\)/.exec(text)
  const m = LOCATION.exec(evalSite ? evalSite[1]! : text)
  if (!m) return text === '' || text === 'native' || text === '<anonymous>' ? {} : { file: text }
  return { file: m[1]!, line: Number(m[2]), column: Number(m[3]) }
}

function classify(frame: Omit<StackFrame, 'internal' | 'dependency'>): StackFrame {
  const file = frame.file
  const internal =
    file === undefined ||
    file.startsWith('node:') ||
    file.startsWith('internal/') ||
    file === '<anonymous>'
  const dependency = file !== undefined && /[/\\]node_modules[/\\]/.test(file)
  return { ...frame, internal, dependency }
}

/** Parses one stack line; undefined when it is not a frame (the message lines). */
export function parseFrame(line: string, format: 'v8' | 'gecko' = 'v8'): StackFrame | undefined {
  const v8 = format === 'v8' ? V8_FRAME.exec(line) : null
  if (v8) {
    const fn = v8[1]
    const frame = { raw: line.trim(), ...location(v8[2] ?? v8[3] ?? '') }
    return classify(fn === undefined ? frame : { function: fn, ...frame })
  }
  if (format === 'v8') return undefined
  const gecko = GECKO_FRAME.exec(line.trim())
  if (gecko && (gecko[3] !== undefined || gecko[2]!.includes('/'))) {
    const frame: Omit<StackFrame, 'internal' | 'dependency'> = { raw: line.trim(), file: gecko[2]! }
    if (gecko[1]) frame.function = gecko[1]
    if (gecko[3] !== undefined) frame.line = Number(gecko[3])
    if (gecko[4] !== undefined) frame.column = Number(gecko[4])
    return classify(frame)
  }
  return undefined
}

/**
 * Parses an `Error.stack` string (V8, SpiderMonkey or JavaScriptCore format) into frames,
 * innermost first. Lines that are not frames (the message, possibly on several lines) are
 * skipped. Never throws.
 *
 * @example
 * parseStack(new Error('x').stack)[0] // { function: 'handler', file: '/app/site.js', line: 3, ... }
 */
export function parseStack(stack: unknown, maxFrames = Number.POSITIVE_INFINITY): StackFrame[] {
  if (typeof stack !== 'string') return []
  const frames: StackFrame[] = []
  // V8 frames start with "at "; without any, the stack is in the "fn@file:line:col" format
  const format = /^\s+at /m.test(stack) ? 'v8' : 'gecko'
  for (const line of stack.split('\n')) {
    if (frames.length >= maxFrames) break
    const frame = parseFrame(line, format)
    if (frame) frames.push(frame)
  }
  return frames
}
