/*
 * Keeping process.nextTick on V8's fast path.
 *
 * node:http calls process.nextTick several times per request. nextTick builds each queued
 * record with an object literal that has computed (symbol) keys, and V8 (Node 20's V8 11.3)
 * defines those keys through a runtime function whose feedback remembers one map. A full
 * (mark-compact) collection that runs while no tick record is alive frees that map and
 * clears the feedback; the next record then looks like a second map, the feedback turns
 * megamorphic for good, and every property of every later tick record is defined by a call
 * into the runtime. Measured on raw node:http (hello world, one core): 9.5 µs of CPU per
 * request before the first such collection, 12.3 µs after it, for the rest of the process's
 * life (a `perf` profile shows Runtime_DefineKeyedOwnPropertyInLiteral and map transitions).
 *
 * Holding one tick record keeps its map, and the maps it was built through, alive: the
 * feedback stays monomorphic across collections. The record is taken from inside a tick's
 * own callback (`executionAsyncResource()` is the tick record there), so no async hook is
 * ever enabled. It costs one small object for the process's lifetime.
 */
import { executionAsyncResource } from 'node:async_hooks'

let held: object | undefined

/**
 * Holds one process.nextTick record for the life of the process (idempotent). Called by
 * `serve()` and `toNodeHandler()`; call it yourself at the top of a program's entry module
 * to have it before anything else runs, since it cannot undo a slowdown that already
 * happened.
 *
 * @example
 * import { keepNextTickFast } from '@paste/httpserver'
 * keepNextTickFast()
 */
export function keepNextTickFast(): void {
  if (held !== undefined) return
  // taken synchronously: the record being created is alive from now on (queued, then held)
  held = {}
  process.nextTick(holdCurrentTick)
}

function holdCurrentTick(): void {
  const resource = executionAsyncResource()
  if (typeof resource === 'object' && resource !== null) held = resource
}

/** The record held, for tests. @internal */
export function heldTick(): object | undefined {
  return held
}
