/*
 * The watcher in process: which paths it reports, under each strategy. Events from one
 * inotify queue arrive in order, so "nothing but the marker was reported" is checked by
 * writing the ignored files first and waiting for the marker file's event.
 */
import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { silentLogger } from '@paste/core'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { killAll, tempDir } from '../test/harness.js'
import { DEFAULT_EXTENSIONS, DEFAULT_IGNORE, makeFilter } from './filter.js'
import { type Strategy, Watcher } from './watcher.js'

vi.setConfig({ testTimeout: 60_000 })
const watchers: Watcher[] = []
afterEach(async () => {
  for (const watcher of watchers.splice(0)) watcher.close()
  await killAll()
})

function start(strategy: Strategy, ...paths: string[]) {
  const seen: string[] = []
  const waiters: (() => void)[] = []
  const watcher = new Watcher({
    filter: makeFilter(DEFAULT_EXTENSIONS, DEFAULT_IGNORE),
    logger: silentLogger,
    strategy,
    pollIntervalMs: 50,
    onChange: (path) => {
      seen.push(path)
      for (const wake of waiters.splice(0)) wake()
    },
  })
  watchers.push(watcher)
  for (const path of paths) watcher.add(path)
  /** Resolves once `path` was reported (20 s deadline). */
  const reported = (path: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${path} not reported; saw ${seen.join(', ')}`)),
        20_000,
      )
      const check = () => {
        if (seen.includes(path)) {
          clearTimeout(timer)
          resolve()
        } else waiters.push(check)
      }
      check()
    })
  return { watcher, seen, reported }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

for (const strategy of ['directories', 'recursive', 'poll'] as const) {
  describe(`strategy ${strategy}`, () => {
    test('reports changed, created, renamed-over and deleted files; skips ignored ones', async () => {
      const root = tempDir()
      mkdirSync(join(root, 'src', 'deep'), { recursive: true })
      mkdirSync(join(root, 'node_modules', 'lib'), { recursive: true })
      mkdirSync(join(root, '.git'))
      writeFileSync(join(root, 'src', 'deep', 'a.ts'), '1')
      const { seen, reported } = start(strategy, root)
      if (strategy === 'poll') await pause(200) // first stats taken
      writeFileSync(join(root, 'node_modules', 'lib', 'x.js'), '2')
      writeFileSync(join(root, '.git', 'index.json'), '2')
      writeFileSync(join(root, 'src', 'readme.md'), '2')
      writeFileSync(join(root, 'src', 'deep', 'a.ts'), '2')
      await reported(join(root, 'src', 'deep', 'a.ts'))
      expect(seen.every((path) => path.endsWith('a.ts'))).toBe(true)

      writeFileSync(join(root, 'src', 'b.mjs'), 'new')
      await reported(join(root, 'src', 'b.mjs'))
      writeFileSync(join(root, 'src', 'tmp~'), 'replacement')
      renameSync(join(root, 'src', 'tmp~'), join(root, 'src', 'deep', 'c.json'))
      await reported(join(root, 'src', 'deep', 'c.json'))
      seen.length = 0
      unlinkSync(join(root, 'src', 'b.mjs'))
      await reported(join(root, 'src', 'b.mjs'))
    })

    test('a directory created after the start is watched, with what is in it', async () => {
      const root = tempDir()
      const { reported } = start(strategy, root)
      if (strategy === 'poll') await pause(200)
      mkdirSync(join(root, 'lib', 'sub'), { recursive: true })
      writeFileSync(join(root, 'lib', 'sub', 'n.cjs'), '1')
      await reported(join(root, 'lib', 'sub', 'n.cjs'))
    })

    test('a single file is watched whatever its extension, across rename-replace', async () => {
      const root = tempDir()
      const file = join(root, 'site.ini')
      writeFileSync(file, 'a')
      const { seen, reported } = start(strategy)
      watchers[0]?.addFile(file)
      if (strategy === 'poll') await pause(200)
      writeFileSync(`${file}.new`, 'b')
      renameSync(`${file}.new`, file)
      await reported(file)
      seen.length = 0
      rmSync(file)
      await reported(file)
      seen.length = 0
      writeFileSync(file, 'back')
      await reported(file)
    })
  })
}

describe('large and hostile trees', () => {
  test('3000 files in 30 directories: one watcher per directory, none per file', async () => {
    const root = tempDir()
    for (let d = 0; d < 30; d++) {
      mkdirSync(join(root, `d${d}`))
      for (let f = 0; f < 100; f++) writeFileSync(join(root, `d${d}`, `f${f}.js`), '')
    }
    mkdirSync(join(root, 'node_modules', 'big', 'lib'), { recursive: true })
    const { watcher, reported } = start('directories', root)
    expect(watcher.directoryCount).toBe(31) // root + d0..d29; node_modules not entered
    writeFileSync(join(root, 'd17', 'f42.js'), 'changed')
    await reported(join(root, 'd17', 'f42.js'))
  })

  test('symlink loops end the walk; each real directory is watched once', async () => {
    const root = tempDir()
    mkdirSync(join(root, 'a', 'b'), { recursive: true })
    symlinkSync(root, join(root, 'a', 'b', 'up')) // a/b/up -> root
    symlinkSync(join(root, 'a'), join(root, 'a', 'again')) // a/again -> a
    symlinkSync(join(root, 'missing'), join(root, 'dangling'))
    const { watcher, reported } = start('directories', root)
    expect(watcher.directoryCount).toBe(3) // root, a, a/b
    writeFileSync(join(root, 'a', 'b', 'x.js'), '1')
    await reported(join(root, 'a', 'b', 'x.js'))
  })

  test('a deleted directory is forgotten and reported; a new one in its place is watched', async () => {
    const root = tempDir()
    mkdirSync(join(root, 'gone', 'deeper'), { recursive: true })
    const { watcher, reported } = start('directories', root)
    expect(watcher.directoryCount).toBe(3)
    rmSync(join(root, 'gone'), { recursive: true })
    await reported(join(root, 'gone'))
    expect(watcher.directoryCount).toBe(1)
    mkdirSync(join(root, 'gone'))
    writeFileSync(join(root, 'gone', 'back.js'), '1')
    await reported(join(root, 'gone', 'back.js'))
  })

  test('close() stops the reports', async () => {
    const root = tempDir()
    const { watcher, seen } = start('directories', root)
    watcher.close()
    writeFileSync(join(root, 'late.js'), '1')
    await pause(300)
    expect(seen).toEqual([])
    expect(watcher.directoryCount).toBe(0)
  })
})
