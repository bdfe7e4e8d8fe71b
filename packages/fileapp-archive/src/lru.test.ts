import { expect, test } from 'vitest'
import { ByteLru } from './lru.js'

test('evicts the least recently used values past the byte budget', () => {
  const lru = new ByteLru<string>(10)
  lru.set('a', 'A', 4)
  lru.set('b', 'B', 4)
  expect(lru.get('a')).toBe('A') // a is now the most recent
  lru.set('c', 'C', 4) // 12 > 10: b goes
  expect(lru.get('b')).toBeUndefined()
  expect(lru.get('a')).toBe('A')
  expect(lru.get('c')).toBe('C')
  expect(lru.weight).toBe(8)
})

test('never keeps a value heavier than the whole budget, and replaces by key', () => {
  const lru = new ByteLru<string>(10)
  lru.set('big', 'X', 11)
  expect(lru.get('big')).toBeUndefined()
  lru.set('a', 'A', 3)
  lru.set('a', 'A2', 5)
  expect(lru.get('a')).toBe('A2')
  expect(lru.weight).toBe(5)
  lru.clear()
  expect(lru.weight).toBe(0)
})
