/**
 * An ordered multi-valued map (Paste's `MultiDict`): a name may occur several times, in the
 * order the client sent it. `get` returns the first value, `getAll` every value. `set`
 * follows `URLSearchParams.set` (the first position is kept), where Paste moved the name to
 * the end.
 *
 * @example
 * const query = new MultiDict([['tag', 'a'], ['tag', 'b']])
 * query.get('tag')    // 'a'
 * query.getAll('tag') // ['a', 'b']
 */
export class MultiDict<V = string> implements Iterable<[string, V]> {
  readonly #items: [string, V][] = []

  constructor(init?: Iterable<readonly [string, V]>) {
    if (init) for (const [name, value] of init) this.#items.push([name, value])
  }

  /** How many name/value pairs there are (a name counted once per value). */
  get size(): number {
    return this.#items.length
  }

  /** The first value for `name`, or `undefined`. */
  get(name: string): V | undefined {
    for (const [n, v] of this.#items) if (n === name) return v
    return undefined
  }

  /**
   * The value of `name` when it has exactly one, else `undefined` (Paste's `getone`, which
   * raised instead): a form field sent twice is often tampering.
   */
  getOne(name: string): V | undefined {
    const all = this.getAll(name)
    return all.length === 1 ? all[0] : undefined
  }

  /** Every value for `name`, in order (empty when absent). */
  getAll(name: string): V[] {
    const out: V[] = []
    for (const [n, v] of this.#items) if (n === name) out.push(v)
    return out
  }

  /** Tells whether `name` has at least one value. */
  has(name: string): boolean {
    return this.#items.some(([n]) => n === name)
  }

  /** Adds a value after the existing ones. */
  append(name: string, value: V): this {
    this.#items.push([name, value])
    return this
  }

  /** Replaces every value of `name` by `value` (kept at the position of the first one). */
  set(name: string, value: V): this {
    const i = this.#items.findIndex(([n]) => n === name)
    if (i === -1) return this.append(name, value)
    this.#items[i] = [name, value]
    for (let j = this.#items.length - 1; j > i; j--) {
      if (this.#items[j]![0] === name) this.#items.splice(j, 1)
    }
    return this
  }

  /** Removes every value of `name`; tells whether there was one. */
  delete(name: string): boolean {
    const before = this.#items.length
    for (let j = before - 1; j >= 0; j--) {
      if (this.#items[j]![0] === name) this.#items.splice(j, 1)
    }
    return this.#items.length !== before
  }

  /** The distinct names, in order of first appearance. */
  *keys(): IterableIterator<string> {
    const seen = new Set<string>()
    for (const [n] of this.#items) {
      if (!seen.has(n)) {
        seen.add(n)
        yield n
      }
    }
  }

  /** Every value, in order. */
  *values(): IterableIterator<V> {
    for (const [, v] of this.#items) yield v
  }

  /** Every name/value pair, in order (a copy: changing the dict while iterating is safe). */
  *entries(): IterableIterator<[string, V]> {
    for (const [n, v] of [...this.#items]) yield [n, v]
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries()
  }

  /**
   * A plain object: a name with one value maps to it, a name with several to an array.
   * The object has no prototype, so `__proto__` or `constructor` keys are plain data.
   */
  toObject(): Record<string, V | V[]> {
    const grouped = new Map<string, V[]>()
    for (const [n, v] of this.#items) {
      const list = grouped.get(n)
      if (list) list.push(v)
      else grouped.set(n, [v])
    }
    const out: Record<string, V | V[]> = Object.create(null)
    for (const [n, list] of grouped) out[n] = list.length === 1 ? list[0]! : list
    return out
  }

  /** Every name mapped to the list of its values (Paste's `dict_of_lists`); no prototype. */
  toObjectOfLists(): Record<string, V[]> {
    const out: Record<string, V[]> = Object.create(null)
    for (const [n, v] of this.#items) {
      const list = out[n]
      if (list) list.push(v)
      else out[n] = [v]
    }
    return out
  }

  /** Removes everything. */
  clear(): void {
    this.#items.length = 0
  }

  /** Debug form, `MultiDict([["a","1"]])`. */
  toString(): string {
    return `MultiDict(${JSON.stringify(this.#items)})`
  }
}
