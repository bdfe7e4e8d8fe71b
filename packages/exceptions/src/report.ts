import type { SourceLine } from './source.js'
import type { StackFrame } from './stack.js'

/** A stack frame with the source lines around it, where they could be read. */
export interface ReportFrame extends StackFrame {
  /** Source lines around the frame's line (application frames, on runtimes with a file system). */
  source?: SourceLine[]
}

/** One error of the chain: the thrown one, its causes, the members of an AggregateError. */
export interface ErrorEntry {
  /** How it relates to the entry before it: the thrown value, a `cause`, an aggregate member. */
  relation: 'thrown' | 'cause' | 'aggregate'
  /** Nesting depth in the chain (0 for the thrown value). */
  depth: number
  /** The error's name (`TypeError`), or `Non-error value (string)` for a thrown non-Error. */
  name: string
  /** The message (cut to a few KiB). */
  message: string
  /** Own enumerable primitive properties (`code`, `errno`, `syscall`...), secrets redacted. */
  properties: Record<string, string>
  /** Parsed stack frames, innermost first. */
  frames: ReportFrame[]
  /** The raw `stack` string (empty for non-Error values). */
  stack: string
}

/** The request an error happened in, with secrets redacted. */
export interface RequestSummary {
  method: string
  /** The URL as the client sees it, secret query values redacted. */
  url: string
  scriptName: string
  pathInfo: string
  remoteAddress: string
  remoteUser?: string
  /** Request headers, credentials and secret-looking values replaced by `[redacted]`. */
  headers: [string, string][]
}

/** Everything known about one unhandled error: what reporters receive. */
export interface ErrorReport {
  /** Random id of this occurrence, shown to the client so they can quote it. */
  incident: string
  /**
   * Stable id of the error's kind: a hash of the error name and the stack frames (function,
   * file, line), without the message. Identical errors share it (Paste's identification code).
   */
  signature: string
  /** When it happened. */
  time: Date
  /** `response`: thrown before a response existed; `body`: raised while the body streamed. */
  phase: 'response' | 'body'
  /** The thrown value first, then its causes and aggregate members, depth first. */
  errors: ErrorEntry[]
  request: RequestSummary
  /** How many identical reports a throttling reporter suppressed before this one. */
  suppressed?: number
}
