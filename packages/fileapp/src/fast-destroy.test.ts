import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test, vi } from 'vitest'

// fs.fstat and fs.read wrapped so a test can act between fstat and its callback, and see
// every descriptor handed to read
const hooks = vi.hoisted(() => ({
  beforeFstatCallback: undefined as (() => void) | undefined,
  readFds: [] as number[],
}))
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  return {
    ...fs,
    fstat: (fd: number, callback: (...args: unknown[]) => void) =>
      fs.fstat(fd, (...args: unknown[]) => {
        hooks.beforeFstatCallback?.()
        callback(...args)
      }),
    read: (fd: number, ...rest: unknown[]) => {
      hooks.readFds.push(fd)
      return (fs.read as (...a: unknown[]) => void)(fd, ...rest)
    },
  }
})

const { FileRangeReadable } = await import('./fast.js')

const dir = mkdtempSync(join(tmpdir(), 'paste-fast-destroy-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('FileRangeReadable destroyed while opening (client gone early)', () => {
  test('destroyed between open and its fstat check: no read, no read(-1), no crash', async () => {
    const path = join(dir, 'f.bin')
    writeFileSync(path, Buffer.alloc(100_000, 1))
    const s = statSync(path)
    const stream = new FileRangeReadable(
      { path, start: 0, end: 100_000, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino },
      () => {},
    )
    const closed = new Promise((resolve) => stream.once('close', resolve))
    hooks.readFds.length = 0
    hooks.beforeFstatCallback = () => stream.destroy()
    stream.resume()
    await closed
    // give any stray callback time to run (and crash the process if it reads fd -1)
    await new Promise((resolve) => setTimeout(resolve, 50))
    hooks.beforeFstatCallback = undefined
    expect(stream.destroyed).toBe(true)
    expect(hooks.readFds).toEqual([])
  })

  test('destroyed while a read is in flight: nothing is pushed after destruction', async () => {
    hooks.readFds.length = 0
    const path = join(dir, 'g.bin')
    writeFileSync(path, Buffer.alloc(2_000_000, 1))
    const s = statSync(path)
    const stream = new FileRangeReadable(
      { path, start: 0, end: 2_000_000, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino },
      () => {},
    )
    const errors: unknown[] = []
    stream.on('error', (e) => errors.push(e))
    await new Promise((resolve) => stream.once('data', resolve))
    stream.destroy()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(errors).toEqual([])
    expect(hooks.readFds.every((fd) => fd >= 0)).toBe(true)
  })
})
