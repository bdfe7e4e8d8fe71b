import { expect, test } from 'vitest'
import { checkAllowSchemes, encodeFragment, pathOf, splitUrl } from './parts.js'

test('splitUrl: the first # starts the fragment, the first ? before it the query', () => {
  expect(splitUrl('/a?b=1?c#d?e#f')).toEqual(['/a', 'b=1?c', 'd?e#f'])
  expect(splitUrl('/a#x?y')).toEqual(['/a', '', 'x?y'])
  expect(splitUrl('/a')).toEqual(['/a', '', undefined])
  expect(splitUrl('?q')).toEqual(['', 'q', undefined])
})

test('pathOf: one argument, its segments encoded, empty ones dropped but a trailing one', () => {
  expect(pathOf('a b/c?d')).toBe('a%20b/c%3Fd')
  expect(pathOf('//a///b//')).toBe('a/b/')
  expect(pathOf('')).toBe('')
  expect(pathOf('/')).toBe('')
  expect(pathOf(7)).toBe('7')
  expect(() => pathOf('a/./b')).toThrow(TypeError)
})

test('encodeFragment encodes a second #', () => {
  expect(encodeFragment('a#b c')).toBe('a%23b%20c')
})

test('checkAllowSchemes takes only the refused schemes, and copies them', () => {
  const given = ['data'] as const
  const allowed = checkAllowSchemes(given)
  expect(allowed).toEqual(['data'])
  expect(allowed).not.toBe(given)
  expect(Object.isFrozen(allowed)).toBe(true)
  expect(() => checkAllowSchemes(['http'])).toThrow(/allowSchemes/)
})
