import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { type App, pipe, silentLogger } from '@paste/core'
import { createSessionId, getSession, session } from '@paste/session'
import { storeConformance } from '@paste/session/conformance'
import { inProcessFetch, matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { rec, recorder, tempDir } from '../test/helpers.js'
import { nodeFileSystem } from './fs.js'
import { type FileSystem, fileStore } from './index.js'

describe('fileStore conformance', () => {
  for (const { name, run } of storeConformance(() =>
    fileStore({ dir: tempDir(), logger: silentLogger }),
  ))
    test(name, run)

  test('two store instances on one directory (as two processes) lose no update', async () => {
    const dir = tempDir()
    const stores = [fileStore({ dir }), fileStore({ dir })]
    const id = createSessionId()
    const increment = async (i: number) => {
      const store = stores[i % 2]!
      for (;;) {
        const cur = await store.get(id)
        const v = cur?.version ?? 0
        const ok = await store.set(id, rec({ n: ((cur?.data.n as number) ?? 0) + 1 }, v + 1), {
          ttl: 60_000,
          expectedVersion: v,
        })
        if (ok) return
      }
    }
    await Promise.all(Array.from({ length: 16 }, (_, i) => increment(i)))
    expect((await stores[0]!.get(id))?.data.n).toBe(16)
  })
})

describe('files', () => {
  test('are named from the id only, mode 0600 in a 0700 directory, with no temporary file left', async () => {
    const dir = tempDir()
    const store = fileStore({ dir })
    const id = createSessionId()
    await store.set(id, rec({ a: 1 }), { ttl: 60_000 })
    expect(readdirSync(dir)).toEqual([`${id}.json`])
    expect(statSync(join(dir, `${id}.json`)).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
  })

  test('a malformed id never reaches the file system', async () => {
    const dir = tempDir()
    const store = fileStore({ dir })
    await store.set(createSessionId(), rec({}), { ttl: 60_000 })
    writeFileSync(join(dir, '..', 'victim'), 'secret')
    for (const bad of ['../victim', '..%2fvictim', '/etc/passwd', 'victim']) {
      expect(await store.get(bad)).toBeUndefined()
      await store.destroy(bad)
      await expect(store.set(bad, rec({}), { ttl: 1000 })).rejects.toThrow(/malformed session id/)
    }
    expect(readFileSync(join(dir, '..', 'victim'), 'utf8')).toBe('secret')
  })

  test('a corrupt file is logged and treated as missing, then replaced', async () => {
    const dir = tempDir()
    const log = recorder()
    const store = fileStore({ dir, logger: log.logger })
    const id = createSessionId()
    await store.set(id, rec({ a: 1 }), { ttl: 60_000 })
    for (const garbage of [
      '{"format":1,"vers',
      'null',
      '{"format":1,"version":"x"}',
      '\u0000\u0001',
    ]) {
      writeFileSync(join(dir, `${id}.json`), garbage)
      expect(await store.get(id)).toBeUndefined()
    }
    expect(log.entries.filter((e) => e.level === 'warn' && /corrupt/.test(e.message))).toHaveLength(
      4,
    )
    expect(log.entries.some((e) => e.message.includes(id))).toBe(false)
    expect(await store.set(id, rec({ b: 2 }), { ttl: 60_000, expectedVersion: 0 })).toBe(true)
    expect((await store.get(id))?.data).toEqual({ b: 2 })
  })

  test('cleanup removes expired and corrupt sessions and crash leftovers, keeps live ones', async () => {
    const dir = tempDir()
    let now = Date.now()
    const store = fileStore({ dir, now: () => now, cleanupInterval: 0, logger: silentLogger })
    const live = createSessionId()
    const old = createSessionId()
    const corrupt = createSessionId()
    await store.set(live, rec({}), { ttl: 120_000 })
    await store.set(old, rec({}), { ttl: 1000 })
    writeFileSync(join(dir, `${corrupt}.json`), 'garbage')
    writeFileSync(join(dir, `.${live}.0123456789abcdef.tmp`), 'half-written')
    writeFileSync(join(dir, 'unrelated.txt'), 'not ours')
    now += 60_000
    expect(await store.cleanup()).toBe(3)
    expect(readdirSync(dir).sort()).toEqual([`${live}.json`, 'unrelated.txt'].sort())
  })

  test('a cleanup that fails on a crash leftover reports it without the session id', async () => {
    const dir = tempDir()
    let now = Date.now()
    const fs: FileSystem = {
      ...nodeFileSystem,
      // rm of a leftover fails the way Node reports it: with the path in the message
      rm: async (path, options) => {
        if (String(path).endsWith('.tmp'))
          throw Object.assign(new Error(`EBUSY: resource busy or locked, rm '${path}'`), {
            code: 'EBUSY',
            path: String(path),
          })
        return nodeFileSystem.rm(path, options)
      },
    }
    const store = fileStore({ dir, fs, now: () => now, cleanupInterval: 0, logger: silentLogger })
    const id = createSessionId()
    await store.set(id, rec({}), { ttl: 120_000 })
    writeFileSync(join(dir, `.${id}.0123456789abcdef.tmp`), 'half-written')
    now += 60_000
    const error = await store.cleanup().catch((e: unknown) => e)
    expect((error as NodeJS.ErrnoException).code).toBe('EBUSY')
    expect(inspect(error)).not.toContain(id)
  })

  test('writes start a background cleanup every cleanupInterval', async () => {
    const dir = tempDir()
    let now = Date.now()
    const store = fileStore({ dir, now: () => now, cleanupInterval: 10_000 })
    const old = createSessionId()
    await store.set(old, rec({}), { ttl: 1000 })
    now += 11_000
    await store.set(createSessionId(), rec({}), { ttl: 60_000 })
    // the cleanup runs in the background: wait for it (bounded)
    for (let i = 0; i < 100 && readdirSync(dir).includes(`${old}.json`); i++)
      await new Promise((resolve) => setTimeout(resolve, 20))
    expect(readdirSync(dir)).not.toContain(`${old}.json`)
    expect(await store.length()).toBe(1)
  })

  test('file-system errors leave the store without the session id in them (they get logged)', async () => {
    const dir = tempDir()
    const store = fileStore({ dir, logger: silentLogger })
    const id = createSessionId()
    await store.set(id, rec({ a: 1 }), { ttl: 60_000 })
    // a directory where the session file should be: rename and read fail for real (EISDIR...)
    rmSync(join(dir, `${id}.json`))
    mkdirSync(join(dir, `${id}.json`, 'blocker'), { recursive: true })
    const failures = [
      await store.get(id).catch((e: unknown) => e),
      await store.set(id, rec({ a: 2 }), { ttl: 60_000 }).catch((e: unknown) => e),
    ]
    for (const error of failures) {
      expect(error).toBeInstanceOf(Error)
      expect((error as NodeJS.ErrnoException).code).toMatch(/^E[A-Z]+$/)
      const printed = inspect(error)
      expect(printed).not.toContain(id)
    }
    expect((failures[1] as NodeJS.ErrnoException).path).toContain(`${id.slice(0, 6)}…`)

    // through the middleware: a 503, and the logged error has no session id
    const logged: unknown[] = []
    const log = (_m: string, details?: unknown) => void logged.push(details)
    const app = pipe(async (_r: Request, context) => {
      ;(await getSession(context)).get('a')
      return new Response('ok')
    }, session({ store }))
    const response = await inProcessFetch(app, {
      logger: { error: log, warn: log, info: log, debug: log },
    })('/', { headers: { cookie: `sid=${id}` } })
    expect(response.status).toBe(503)
    expect(inspect(logged, { depth: 10 })).toMatch(/EISDIR|ENOTEMPTY|EEXIST/)
    expect(inspect(logged, { depth: 10 })).not.toContain(id)
  })

  test('bad options throw a TypeError naming the option', () => {
    expect(() => fileStore({} as never)).toThrow(/@paste\/session-file: dir/)
    expect(() => fileStore({ dir: '/tmp/x', mode: 0o7777 })).toThrow(/mode/)
    expect(() => fileStore({ dir: '/tmp/x', lockTimeout: -1 })).toThrow(/lockTimeout/)
  })
})

describe('through the session middleware', () => {
  const info = { value: '' }
  const app: App = async (request, context) => {
    const s = await getSession<{ info: string }>(context)
    if (new URL(request.url).pathname === '/put') s.set('info', info.value)
    return new Response(s.get('info') ?? 'no-info')
  }
  const dir = tempDir()

  // Paste's test_session used FileSession, its default store
  matrix(
    "Paste's test_session on files",
    () => pipe(app, session({ store: fileStore({ dir }) })),
    async (fetch) => {
      expect(await (await fetch('/get')).text()).toBe('no-info')
      info.value = 'test'
      const put = await fetch('/put')
      const cookie = put.headers.getSetCookie()[0]!.split(';')[0]!
      expect(await (await fetch('/get', { headers: { cookie } })).text()).toBe('test')
      expect(await (await fetch('/get')).text()).toBe('no-info')
    },
    { logger: silentLogger },
  )

  matrix(
    'a cookie naming a path is a new session, not a file read',
    () => pipe(app, session({ store: fileStore({ dir }) })),
    async (fetch) => {
      writeFileSync(
        join(dir, '..', 'victim.json'),
        JSON.stringify({
          format: 1,
          version: 1,
          createdAt: Date.now(),
          touchedAt: Date.now(),
          expiresAt: Date.now() + 1e6,
          data: { info: 'stolen' },
        }),
      )
      const response = await fetch('/get', { headers: { cookie: 'sid=../victim' } })
      expect(await response.text()).toBe('no-info')
    },
    { logger: silentLogger },
  )
})

describe('concurrent requests on one session, through the middleware', () => {
  matrix(
    'ten requests changing ten keys at once all keep their change (compare-and-set + merge)',
    () => {
      let arrived = 0
      let open!: () => void
      const all = new Promise<void>((resolve) => {
        open = resolve
      })
      return pipe(
        async (request: Request, context) => {
          const url = new URL(request.url)
          const s = await getSession(context)
          if (url.pathname === '/set') {
            if (++arrived === 10) open()
            await all // every request has loaded the same version before any saves
            for (const [k, v] of url.searchParams) s.set(k, v)
          } else if (url.pathname === '/seed') s.set('seed', 1)
          return Response.json(s.toJSON())
        },
        session({ store: fileStore({ dir: tempDir() }) }),
      )
    },
    async (fetch) => {
      const seed = await fetch('/seed')
      const headers = { cookie: seed.headers.getSetCookie()[0]!.split(';')[0]! }
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => fetch(`/set?k${i}=${i}`, { headers })),
      )
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200))
      const data = (await (await fetch('/', { headers })).json()) as Record<string, unknown>
      expect(Object.keys(data).sort()).toEqual([
        'k0',
        'k1',
        'k2',
        'k3',
        'k4',
        'k5',
        'k6',
        'k7',
        'k8',
        'k9',
        'seed',
      ])
    },
    { logger: silentLogger },
  )
})
