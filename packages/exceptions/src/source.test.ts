import { describe, expect, test, vi } from 'vitest'
import { parseStack } from './stack.js'

describe('source context', () => {
  test('reads the lines around application frames, marks the current one', async () => {
    const { readSourceContext } = await import('./source.js')
    const frames = parseStack(new Error('here').stack) // source-test-marker
    const [first] = await readSourceContext(frames, 2)
    expect(first?.map((l) => l.current)).toEqual([false, false, true, false, false])
    expect(first?.find((l) => l.current)?.text).toContain('source-test-marker')
  })

  test('no file system (Workers, browsers): no import attempted, frames without source', async () => {
    vi.resetModules()
    const versions = process.versions
    Object.defineProperty(process, 'versions', { value: {}, configurable: true })
    try {
      const { readSourceContext } = await import('./source.js')
      const frames = parseStack(new Error('here').stack)
      expect(await readSourceContext(frames, 5)).toEqual(frames.map(() => undefined))
    } finally {
      Object.defineProperty(process, 'versions', { value: versions, configurable: true })
      vi.resetModules()
    }
  })

  test('file URLs and paths; other locations are never read', async () => {
    const { framePath, sliceLines } = await import('./source.js')
    expect(framePath('file:///srv/my%20app/a.js')).toBe('/srv/my app/a.js')
    expect(framePath('file:///C:/app/a.js')).toBe('C:/app/a.js')
    expect(framePath('/srv/a.js')).toBe('/srv/a.js')
    expect(framePath('https://example.com/a.js')).toBeUndefined()
    expect(framePath('node:internal/x')).toBeUndefined()
    expect(framePath(undefined)).toBeUndefined()
    const lines = sliceLines(`a\r\nb\n${'x'.repeat(1000)}\nd`, 1, 2)
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3])
    expect(lines[2]!.text.length).toBe(301)
  })

  test('missing, unreadable and directory paths give no source and do not throw', async () => {
    const { readSourceContext } = await import('./source.js')
    const frames = parseStack('Error\n    at f (/nonexistent/x.js:1:1)\n    at g (/tmp:1:1)')
    expect(await readSourceContext(frames, 3)).toEqual([undefined, undefined])
  })
})
