import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { MultiDict } from './multidict.js'
import { parseQuery } from './query.js'

describe('MultiDict (ported from paste tests/test_multidict.py)', () => {
  test('keeps every value in order; get is the first', () => {
    const d = new MultiDict([
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
    ])
    expect(d.get('a')).toBe('1')
    expect(d.getAll('a')).toEqual(['1', '3'])
    expect(d.getAll('missing')).toEqual([])
    expect(d.get('missing')).toBeUndefined()
    expect([...d.keys()]).toEqual(['a', 'b'])
    expect([...d.values()]).toEqual(['1', '2', '3'])
    expect(d.size).toBe(3)
    expect(d.has('b')).toBe(true)
  })
  test('set replaces all values at the first position; delete removes all', () => {
    const d = new MultiDict([
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
    ])
    d.set('a', 'x')
    expect([...d]).toEqual([
      ['a', 'x'],
      ['b', '2'],
    ])
    d.set('c', 'y')
    expect([...d.entries()].at(-1)).toEqual(['c', 'y'])
    expect(d.delete('a')).toBe(true)
    expect(d.delete('a')).toBe(false)
    expect(d.has('a')).toBe(false)
  })
  test('ports paste test_dict: getOne, toObjectOfLists, delete, clear', () => {
    const d = new MultiDict<unknown>([['a', 1]])
    d.set('b', 2).set('c', 3)
    expect([...d]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ])
    d.set('b', 4)
    d.append('b', 5)
    expect(d.getOne('b')).toBeUndefined()
    expect(d.getOne('a')).toBe(1)
    expect(d.getOne('missing')).toBeUndefined()
    expect(d.getAll('b')).toEqual([4, 5])
    d.delete('b')
    expect([...d]).toEqual([
      ['a', 1],
      ['c', 3],
    ])
    expect(d.toObjectOfLists()).toEqual({ a: [1], c: [3] })
    expect(d.toObject()).toEqual({ a: 1, c: 3 })
    d.clear()
    expect(d.size).toBe(0)
  })
  test('toObject groups repeated names and is prototype-free', () => {
    const d = new MultiDict([
      ['a', '1'],
      ['__proto__', 'p'],
      ['a', '2'],
      ['constructor', 'c'],
    ])
    const o = d.toObject()
    expect(o.a).toEqual(['1', '2'])
    expect(o.__proto__).toBe('p')
    expect(o.constructor).toBe('c')
    expect(Object.getPrototypeOf(o)).toBeNull()
  })
  test('iterating while appending is safe', () => {
    const d = new MultiDict([['a', '1']])
    for (const [n, v] of d) d.append(n, `${v}!`)
    expect(d.getAll('a')).toEqual(['1', '1!'])
  })
  test('property: getAll(n) equals the values appended under n, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.string())), (pairs) => {
        const d = new MultiDict(pairs)
        for (const name of ['a', 'b', 'c'])
          expect(d.getAll(name)).toEqual(pairs.filter(([n]) => n === name).map(([, v]) => v))
        expect(d.size).toBe(pairs.length)
      }),
    )
  })
})

describe('parseQuery', () => {
  test('ports paste test_gets: repeated names and +', () => {
    expect([...parseQuery('')]).toEqual([])
    expect([...parseQuery('?name=george')]).toEqual([['name', 'george']])
    const q = parseQuery('?tag=a&tag=b&q=x+y&flag&e=&%41=%42')
    expect(q.getAll('tag')).toEqual(['a', 'b'])
    expect(q.get('q')).toBe('x y')
    expect(q.get('flag')).toBe('')
    expect(q.get('e')).toBe('')
    expect(q.get('A')).toBe('B')
  })
  test('hostile input never throws', () => {
    expect(parseQuery('?%zz=%E0%A4%A&%%%=%').get('%zz')).toBe('\uFFFD%A')
    expect(parseQuery('&&&=&==').size).toBeGreaterThan(0)
  })
  test('property: round-trips through URLSearchParams serialisation', () => {
    const text = fc.string({ unit: 'grapheme' })
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text)), (pairs) => {
        const search = new URLSearchParams(pairs).toString()
        expect([...parseQuery(search)]).toEqual(pairs)
      }),
    )
  })
})
