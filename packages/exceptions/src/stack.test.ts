import { bestOf } from '@paste-tooling/testing'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseFrame, parseStack } from './stack.js'

const V8 = `TypeError: Cannot read properties of undefined (reading 'x')
    at handler (/srv/app/site.js:12:7)
    at async Promise.all (index 0)
    at new Store (file:///srv/app/store.mjs:3:11)
    at Object.<anonymous> (/srv/app/node_modules/lib/index.js:1:2)
    at eval (eval at compile (/srv/app/tpl.js:8:3), <anonymous>:2:5)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
    at /srv/app/anon.js:4:1
    at Array.map (<anonymous>)`

describe('parseStack', () => {
  test('V8 frames: function, file, line, column, internal and dependency flags', () => {
    const frames = parseStack(V8)
    expect(frames.map((f) => f.function)).toEqual([
      'handler',
      'async Promise.all',
      'new Store',
      'Object.<anonymous>',
      'eval',
      'process.processTicksAndRejections',
      undefined,
      'Array.map',
    ])
    expect(frames[0]).toMatchObject({
      file: '/srv/app/site.js',
      line: 12,
      column: 7,
      internal: false,
      dependency: false,
    })
    expect(frames[2]).toMatchObject({ file: 'file:///srv/app/store.mjs', line: 3, column: 11 })
    expect(frames[3]).toMatchObject({ dependency: true, internal: false })
    expect(frames[4]).toMatchObject({ file: '/srv/app/tpl.js', line: 8, column: 3 })
    expect(frames[5]).toMatchObject({ internal: true, file: 'node:internal/process/task_queues' })
    expect(frames[6]).toMatchObject({ file: '/srv/app/anon.js', line: 4 })
    expect(frames[7]).toMatchObject({ internal: true })
    expect(frames[7]?.file).toBeUndefined()
  })

  test('a multi-line message with "@" and "at" in it is not taken for frames', () => {
    const stack = 'Error: mail bob@example.com/x:1:2 failed\n  sent at noon\n    at f (/a.js:1:1)'
    expect(parseStack(stack).map((f) => f.raw)).toEqual(['at f (/a.js:1:1)'])
  })

  test('SpiderMonkey / JavaScriptCore format', () => {
    const frames = parseStack(
      'handler@https://example.com/app.js:10:5\n@https://example.com/app.js:20:1\n',
    )
    expect(frames).toHaveLength(2)
    expect(frames[0]).toMatchObject({
      function: 'handler',
      file: 'https://example.com/app.js',
      line: 10,
      column: 5,
    })
    expect(frames[1]?.function).toBeUndefined()
  })

  test('a real stack parses with this file as the first frame', () => {
    const frames = parseStack(new Error('here').stack)
    expect(frames[0]?.file).toMatch(/stack\.test\.ts$/)
    expect(frames[0]?.line).toBeGreaterThan(0)
  })

  test('non-strings and frame limits', () => {
    expect(parseStack(undefined)).toEqual([])
    expect(parseStack(42)).toEqual([])
    expect(parseStack(V8, 2)).toHaveLength(2)
  })

  test('never throws, and every frame has a raw line (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        for (const f of parseStack(`Error: x\n${text}`)) expect(typeof f.raw).toBe('string')
      }),
    )
  })
})

describe('hostile messages (a stack starts with the message, which may hold client input)', () => {
  const SIZE = 64 * 1024
  const messages: Record<string, string> = {
    'runs of " ("': `\n    at ${'x ('.repeat(SIZE / 3)}`,
    'unclosed eval sites': `\n    at f (${'(a:1:1'.repeat(SIZE / 6)}x)`,
    newlines: '\n'.repeat(SIZE),
    'line and column runs': `\n    at ${':1'.repeat(SIZE / 2)}x`,
    'blanks then at': `\n${' '.repeat(SIZE)}at (`,
  }
  // The regexes these replaced took 0.5 to 2 s on some of these inputs (quadratic).
  const fastest = (stack: string) => bestOf(() => parseStack(stack))
  test.each(Object.entries(messages))('%s: parsed in well under 50 ms', (_, message) => {
    const stack = `Error: ${message}\n    at handler (/srv/app.js:1:2)`
    expect(parseStack(stack).at(-1)).toMatchObject({ file: '/srv/app.js', line: 1, column: 2 })
    expect(fastest(stack)).toBeLessThan(50)
    // without any frame (a stack cut by Error.stackTraceLimit = 0, or a forged `stack`)
    expect(fastest(`Error: ${message}x`)).toBeLessThan(50)
  })

  // The former regexes, as an oracle: the linear scanners must read frames exactly as they did.
  const V8_FRAME = /^\s*at (?:(.+?) \((.*)\)|(.+))$/
  const LOCATION = /^(.*?):(\d+):(\d+)$/
  function oracle(line: string) {
    const m = V8_FRAME.exec(line)
    if (!m) return undefined
    const text = m[2] ?? m[3] ?? ''
    const site = /\((.*?:\d+:\d+)\)/.exec(text)
    const loc = LOCATION.exec(site ? site[1]! : text)
    const special = text === '' || text === 'native' || text === '<anonymous>'
    const file = loc ? loc[1] : special ? undefined : text
    return { function: m[1], file, line: loc ? Number(loc[2]) : undefined }
  }
  test('property: frames are read as the former regexes read them', () => {
    const unit = fc.constantFrom(...' ()(:1:2)ab,'.split(''), ' (', 'eval at ', ':12', '\t')
    const line = fc.string({ unit, maxLength: 40 }).map((rest) => `    at ${rest}`)
    fc.assert(
      fc.property(line, (text) => {
        const expected = oracle(text)
        const frame = parseFrame(text)
        if (expected === undefined) {
          expect(frame).toBeUndefined()
          return
        }
        expect(frame?.function).toBe(expected.function)
        expect(frame?.file).toBe(expected.file)
        expect(frame?.line).toBe(expected.line)
      }),
      { numRuns: 3000 },
    )
  })
})
