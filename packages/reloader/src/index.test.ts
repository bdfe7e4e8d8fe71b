/*
 * The public API in process: option checks (a TypeError naming the package, before anything
 * starts), the child-only helpers outside a reloader child, and the IPC message parser.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { addFileCallback, isReloaderChild, runWithReloader, watchFile } from './index.js'
import { resolveOptions } from './options.js'
import { parseWatchMessage } from './protocol.js'

const script = join(tmpdir(), 'server.mjs')

describe('bad options throw a TypeError naming the package, and start nothing', () => {
  test.each([
    ['a missing watch path', { watch: join(tmpdir(), 'no-such-dir-for-reloader') }],
    ['an empty watch list', { watch: [] }],
    ['a watch path that is not a string', { watch: [42] }],
    ['a NUL in a watch path', { watch: 'a\0b' }],
    ['an extension without a dot', { extensions: ['js'] }],
    ['an extension with a slash', { extensions: ['.j/s'] }],
    ['extensions not an array', { extensions: '.js' }],
    ['an ignore entry with a slash', { ignore: ['a/b'] }],
    ['an empty ignore entry', { ignore: [''] }],
    ['a negative debounce', { debounceMs: -1 }],
    ['a NaN kill timeout', { killTimeoutMs: Number.NaN }],
    ['an infinite kill timeout', { killTimeoutMs: Number.POSITIVE_INFINITY }],
    ['poll not a boolean', { poll: 'yes' }],
    ['a logger without methods', { logger: { info() {} } }],
    ['null options', null],
  ])('%s', (_, options) => {
    expect(() => runWithReloader(options as never)).toThrow(TypeError)
    expect(() => runWithReloader(options as never)).toThrow(/^@paste\/reloader: /)
  })

  test('the missing path is named in the message', () => {
    const missing = join(tmpdir(), 'no-such-dir-for-reloader')
    expect(() => runWithReloader({ watch: missing })).toThrow(`${missing} does not exist`)
  })
})

describe('resolveOptions', () => {
  test('defaults: the script directory, the documented lists and times', () => {
    const resolved = resolveOptions({}, script)
    expect(resolved.watch).toEqual([tmpdir()])
    expect(resolved.extensions).toEqual(['.js', '.mjs', '.cjs', '.ts', '.mts', '.json'])
    expect(resolved.ignore.slice(0, 2)).toEqual(['node_modules', '.git'])
    expect(resolved.debounceMs).toBe(100)
    expect(resolved.killTimeoutMs).toBe(5000)
    expect(resolved.poll).toBe(false)
  })

  test('the caller’s object is not changed, and a single path is accepted', () => {
    const options = Object.freeze({ watch: tmpdir(), extensions: Object.freeze(['.ts']) })
    const resolved = resolveOptions(options, script)
    expect(resolved.watch).toEqual([tmpdir()])
    expect(resolved.extensions).not.toBe(options.extensions)
  })
})

describe('outside a reloader child', () => {
  test('watchFile and addFileCallback do nothing, but still check their argument', () => {
    expect(isReloaderChild()).toBe(false)
    let called = false
    addFileCallback(() => {
      called = true
      return []
    })
    watchFile('config.ini')
    expect(called).toBe(false)
    expect(() => watchFile('')).toThrow(/^@paste\/reloader: watchFile/)
    expect(() => watchFile(42 as never)).toThrow(TypeError)
    expect(() => addFileCallback('x' as never)).toThrow(/^@paste\/reloader: addFileCallback/)
  })
})

describe('parseWatchMessage ignores what is not ours', () => {
  test.each([
    [null],
    ['watch'],
    [{ paths: ['/a'] }],
    [{ '@paste/reloader': 'other', paths: ['/a'] }],
    [{ '@paste/reloader': 'watch', paths: '/a' }],
  ])('%j', (message) => {
    expect(parseWatchMessage(message)).toBeUndefined()
  })

  test('keeps only sane strings', () => {
    const paths = ['/ok', '', 42, 'a\0b', 'x'.repeat(5000), null, '/also']
    expect(parseWatchMessage({ '@paste/reloader': 'watch', paths })).toEqual(['/ok', '/also'])
  })
})
