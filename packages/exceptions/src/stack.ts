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
// Split by index, not by a regex: the message lines come first in a stack and may hold
// client input, and `(.+?) \((.*)\)` rescans the line from every " (" (quadratic).
const V8_PREFIX = /^[ \t]*at /
// ":" line ":" column ")" closing an eval site; each start scans at most two digit runs
const EVAL_SITE_END = /:\d+:\d+\)/g
// SpiderMonkey / JavaScriptCore: "<function>@<file>:<line>:<column>"
const GECKO_FRAME = /^(.*?)@(.+?)(?::(\d+))?(?::(\d+))?$/
// "<file>:<line>:<column>" at the end of a location
const LOCATION = /^(.*?):(\d+):(\d+)$/

/**
 * The text inside the first "(" up to the first ":<line>:<column>)" after it, as
 * `/\((.*?:\d+:\d+)\)/` would capture, in one left-to-right pass.
 */
function evalSite(text: string): string | undefined {
  const open = text.indexOf('(')
  if (open === -1) return undefined
  EVAL_SITE_END.lastIndex = open + 1
  const end = EVAL_SITE_END.exec(text)
  return end ? text.slice(open + 1, end.index + end[0].length - 1) : undefined
}

/** `[function, location]` of a V8 frame line, or undefined when it is not one. */
function splitV8(line: string): [fn: string | undefined, location: string] | undefined {
  const prefix = V8_PREFIX.exec(line)
  if (!prefix) return undefined
  const rest = line.slice(prefix[0].length)
  // what `.` would not match: such a line is not a frame
  if (rest === '' || /[\r\u2028\u2029]/.test(rest)) return undefined
  // the first " (" after at least one character of function name
  const open = rest.indexOf(' (', 1)
  if (open > 0 && rest.endsWith(')') && rest.length >= open + 3)
    return [rest.slice(0, open), rest.slice(open + 2, -1)]
  return [undefined, rest]
}

function location(text: string): Pick<StackFrame, 'file' | 'line' | 'column'> {
  // an eval frame names the eval site last: "eval at f (file:1:2), <anonymous>:3:4"
  const m = LOCATION.exec(evalSite(text) ?? text)
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
  const v8 = format === 'v8' ? splitV8(line) : undefined
  if (v8) {
    const [fn, where] = v8
    const frame = { raw: line.trim(), ...location(where) }
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
  // (`[ \t]`, not `\s`: `\s+` would rescan runs of newlines from every line start)
  const format = /^[ \t]+at /m.test(stack) ? 'v8' : 'gecko'
  for (const line of stack.split('\n')) {
    if (frames.length >= maxFrames) break
    const frame = parseFrame(line, format)
    if (frame) frames.push(frame)
  }
  return frames
}
