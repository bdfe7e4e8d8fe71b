import type { Context as VmContext } from 'node:vm'
import type { Context } from '@paste/core'
import type { ErrorEntry, RequestSummary } from '@paste/exceptions'
import type { CapturedFrame } from './capture.js'

/** One error of a kept chain: its collected entry, the value itself and its captured frames. */
export interface KeptError {
  entry: ErrorEntry
  value: unknown
  /** Captured locals per frame of `entry.frames` (same index), where they matched. */
  locals: (CapturedFrame | undefined)[]
}

/** An error kept for evaluation, under an unguessable id. */
export interface KeptIncident {
  id: string
  /** The per-error secret the page carries and every evaluation must send back. */
  token: string
  created: number
  errors: KeptError[]
  request: Request
  context: Context
  summary: RequestSummary
  /** One vm context per frame ("e:f"), created on first use, so assignments persist. */
  scopes: Map<string, VmContext>
}

/**
 * The most recent `max` incidents, each for at most `ttl` ms. Oldest first out: a Map keeps
 * insertion order, so the first key is the oldest.
 */
export class IncidentStore {
  readonly #kept = new Map<string, KeptIncident>()
  constructor(
    readonly max: number,
    readonly ttl: number,
    readonly now: () => number = Date.now,
  ) {}

  add(incident: KeptIncident): void {
    this.#kept.set(incident.id, incident)
    while (this.#kept.size > this.max) {
      const oldest = this.#kept.keys().next().value as string
      this.#kept.delete(oldest)
    }
  }

  /** The incident, or undefined when unknown or expired (expired ones are dropped). */
  get(id: string): KeptIncident | undefined {
    const incident = this.#kept.get(id)
    if (incident === undefined) return undefined
    if (this.now() - incident.created >= this.ttl) {
      this.#kept.delete(id)
      return undefined
    }
    return incident
  }

  get size(): number {
    return this.#kept.size
  }
}
