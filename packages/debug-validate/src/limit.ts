/* At most `running` tasks at once, at most `waiting` more in line; past that, none. */

/** A slot holder: `run(task)` runs it in a slot, or returns `undefined` when the line is full. */
export interface Limit {
  run<T>(task: () => Promise<T>): Promise<T> | undefined
}

/** A {@link Limit} of `running` tasks at once with a line of at most `waiting`. */
export function limit(running: number, waiting: number): Limit {
  let active = 0
  const line: (() => void)[] = []
  const release = () => {
    const next = line.shift()
    if (next) next()
    else active--
  }
  const go = <T>(task: () => Promise<T>) => Promise.resolve().then(task).finally(release)
  return {
    run(task) {
      if (active < running) {
        active++
      } else if (line.length >= waiting) {
        return undefined
      } else {
        // the slot passes straight from the task that ends to this one (active unchanged)
        return new Promise<void>((resolve) => line.push(resolve)).then(() => go(task))
      }
      return go(task)
    },
  }
}
