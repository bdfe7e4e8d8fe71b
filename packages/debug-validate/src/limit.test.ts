import { expect, test } from 'vitest'
import { limit } from './limit.js'

function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { open, opened }
}

test('runs at most `running` tasks at once, the others in order as slots free', async () => {
  const slots = limit(2, 10)
  const gates = Array.from({ length: 5 }, gate)
  const started: number[] = []
  const done = gates.map((g, i) =>
    slots.run(async () => {
      started.push(i)
      await g.opened
      return i
    }),
  )
  await new Promise((resolve) => setImmediate(resolve))
  expect(started).toEqual([0, 1])
  gates[1]!.open()
  await done[1]
  await new Promise((resolve) => setImmediate(resolve))
  expect(started).toEqual([0, 1, 2])
  for (const g of gates) g.open()
  expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4])
  expect(started).toEqual([0, 1, 2, 3, 4])
})

test('past `waiting` tasks in line, run() returns undefined and runs nothing', async () => {
  const slots = limit(1, 1)
  const g = gate()
  let ran = 0
  const task = async () => {
    ran++
    await g.opened
  }
  const first = slots.run(task)
  const second = slots.run(task)
  expect(slots.run(task)).toBeUndefined()
  g.open()
  await Promise.all([first, second])
  expect(ran).toBe(2)
  // the line emptied: a new task runs again
  await slots.run(task)
  expect(ran).toBe(3)
})

test('a task that fails frees its slot', async () => {
  const slots = limit(1, 0)
  await expect(slots.run(async () => Promise.reject(new Error('no')))).rejects.toThrow('no')
  expect(await slots.run(async () => 'ok')).toBe('ok')
})
