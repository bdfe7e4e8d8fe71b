import { inspect } from 'node:util'
import vm from 'node:vm'

/** What an evaluation gave: the inspected value, or the error it threw. */
export interface Evaluation {
  ok: boolean
  text: string
}

/** Limits on an evaluation. */
export interface EvaluateLimits {
  /** ms for the synchronous part (vm timeout) and again for a returned promise. */
  timeout: number
  /** Characters of output kept. */
  maxChars: number
}

function show(value: unknown, maxChars: number): string {
  let text: string
  try {
    text =
      typeof value === 'string'
        ? inspect(value, { maxStringLength: maxChars })
        : inspect(value, { depth: 3, maxArrayLength: 100, maxStringLength: 2000, breakLength: 100 })
  } catch (error) {
    text = `[uninspectable: ${String((error as Error)?.message ?? error)}]`
  }
  return text.length > maxChars
    ? `${text.slice(0, maxChars)}… (${text.length - maxChars} more characters)`
    : text
}

function settle(value: unknown, timeout: number): Promise<unknown> {
  if (typeof (value as PromiseLike<unknown> | null)?.then !== 'function')
    return Promise.resolve(value)
  let timer: ReturnType<typeof setTimeout> | undefined
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`promise not settled after ${timeout} ms`)), timeout)
  })
  return Promise.race([value as PromiseLike<unknown>, limit]).finally(() => clearTimeout(timer))
}

/**
 * Evaluates `code` in `scope` (a vm context whose globals are the frame's captured locals
 * and the helpers), time-limited, and inspects the result. Never throws.
 *
 * @example
 * const result = await evaluate('items[i]', vm.createContext({ items: [1, 2], i: 1 }), { timeout: 1000, maxChars: 10_000 })
 * result.text // '2'
 */
export async function evaluate(
  code: string,
  scope: vm.Context,
  limits: EvaluateLimits,
): Promise<Evaluation> {
  try {
    const value = vm.runInContext(code, scope, {
      timeout: limits.timeout,
      filename: 'evalexception-console',
      breakOnSigint: false,
    })
    return { ok: true, text: show(await settle(value, limits.timeout), limits.maxChars) }
  } catch (error) {
    return { ok: false, text: show(error, limits.maxChars) }
  }
}
