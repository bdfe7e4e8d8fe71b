/** A least-recently-used map bounded by the total `weight` of its values (bytes, here). */
export class ByteLru<V> {
  readonly #entries = new Map<string, { value: V; weight: number }>()
  #total = 0

  constructor(readonly maxWeight: number) {}

  /** Total weight held. */
  get weight(): number {
    return this.#total
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    // most recently used last
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return entry.value
  }

  /** Adds a value; one heavier than the whole cache is not kept. Oldest values go first. */
  set(key: string, value: V, weight: number): void {
    this.delete(key)
    if (weight > this.maxWeight) return
    this.#entries.set(key, { value, weight })
    this.#total += weight
    for (const [oldest, entry] of this.#entries) {
      if (this.#total <= this.maxWeight) break
      this.#entries.delete(oldest)
      this.#total -= entry.weight
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key)
    if (entry === undefined) return
    this.#entries.delete(key)
    this.#total -= entry.weight
  }

  clear(): void {
    this.#entries.clear()
    this.#total = 0
  }
}
