import { expect, test } from 'vitest'
import { memberName } from './names.js'

test('plain names, directories and a leading ./ are normalised', () => {
  expect(memberName('a.txt')).toEqual({ key: 'a.txt', directory: false })
  expect(memberName('docs/')).toEqual({ key: 'docs', directory: true })
  expect(memberName('./docs/a b.txt')).toEqual({ key: 'docs/a b.txt', directory: false })
  expect(memberName('././x')).toEqual({ key: 'x', directory: false })
  expect(memberName('./')).toEqual({ key: '', directory: true })
  expect(memberName('.')).toEqual({ key: '', directory: true })
  expect(memberName('.hidden')).toEqual({ key: '.hidden', directory: false })
})

test.each([
  '',
  '/',
  './/',
  '/etc/passwd',
  '//x',
  '../x',
  'a/../../x',
  'a/./x',
  'a//x',
  '..',
  'a\\..\\x',
  '..\\x',
  'C:/Windows/x',
  'c:x',
  'a\u0000b',
  'a\nb',
  'a\u007fb',
])('refuses the hostile or malformed name %j', (raw) => {
  expect(memberName(raw)).toBeUndefined()
})
