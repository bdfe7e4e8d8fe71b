import { describe, expect, test } from 'vitest'
import { DEFAULT_EXTENSIONS, DEFAULT_IGNORE, extensionOf, makeFilter } from './filter.js'

describe('makeFilter with the defaults', () => {
  const filter = makeFilter(DEFAULT_EXTENSIONS, DEFAULT_IGNORE)

  test.each([
    ['src/app.ts', true],
    ['index.js', true],
    ['lib/x.mjs', true],
    ['lib/x.cjs', true],
    ['types.mts', true],
    ['config/site.json', true],
    ['a.d.ts', true],
    ['README.md', false],
    ['Makefile', false],
    ['.env', false],
    ['node_modules/x/index.js', false],
    ['packages/a/node_modules/x.js', false],
    ['.git/config.json', false],
    ['.turbo/cache.json', false],
    ['src/.cache/x.js', false],
    ['.eslintrc.json', true], // a dot-file is not a dot-directory
    ['node_modules_backup/x.js', true], // a segment must equal the name
  ])('%s relevant: %s', (rel, expected) => {
    expect(filter.relevant(rel)).toBe(expected)
  })

  test('directories: dot-directories and node_modules are ignored, the root never', () => {
    expect(filter.ignored('.git', true)).toBe(true)
    expect(filter.ignored('src/.vite', true)).toBe(true)
    expect(filter.ignored('node_modules', true)).toBe(true)
    expect(filter.ignored('src', true)).toBe(false)
    expect(filter.ignored('', true)).toBe(false)
    expect(filter.ignored('../elsewhere', true)).toBe(false)
  })
})

describe('makeFilter with options', () => {
  test('an empty extension list reacts to every file not ignored', () => {
    const filter = makeFilter([], ['dist'])
    expect(filter.relevant('Makefile')).toBe(true)
    expect(filter.relevant('dist/x.js')).toBe(false)
  })

  test('a global RegExp gives the same answer every time (lastIndex is reset)', () => {
    const filter = makeFilter(['.js'], [/\.test\.js$/g])
    for (let i = 0; i < 3; i++) {
      expect(filter.relevant('a.test.js')).toBe(false)
      expect(filter.relevant('a.js')).toBe(true)
    }
  })
})

test('extensionOf', () => {
  expect(extensionOf('a/b.d.ts')).toBe('.ts')
  expect(extensionOf('a.b/c')).toBe('')
  expect(extensionOf('.env')).toBe('')
  expect(extensionOf('x.')).toBe('.')
})
