import { setTimeout as sleep } from 'node:timers/promises'
import { type App, pipe } from '@paste/core'
import { inProcessFetch, matrix, startServer } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import {
  CONFIG,
  config,
  configMiddleware,
  type Registration,
  register,
  registry,
  requestLocal,
} from './index.js'

interface Session {
  user: string
  log: string[]
  greet(): string
}

const session = requestLocal<Session>('session')
// a module-level stand-in, as Paste applications import one
const current = session.proxy()

function makeSession(user: string): Session {
  return {
    user,
    log: [],
    greet() {
      return `hello ${this.user}`
    },
  }
}

// code far from the request that only knows the module-level proxy
async function deepInTheApp(): Promise<string> {
  await sleep(Math.random() * 5)
  current.log.push('deep')
  return `${current.greet()} (${current.log.length})`
}

const withSession = registry([
  register(session, (request) =>
    makeSession(new URL(request.url).searchParams.get('u') ?? 'nobody'),
  ),
])

matrix(
  'a registered value is current for the whole request, through the proxy too',
  () => pipe((async () => new Response(await deepInTheApp())) as App, withSession),
  async (fetch) => {
    expect(await (await fetch('/?u=alice')).text()).toBe('hello alice (1)')
  },
)

test('forty requests in flight at once each see their own value', async () => {
  const server = await startServer(
    pipe((async () => new Response(await deepInTheApp())) as App, withSession),
  )
  try {
    const users = Array.from({ length: 40 }, (_, i) => `user${i}`)
    const texts = await Promise.all(users.map(async (u) => (await server.fetch(`/?u=${u}`)).text()))
    expect(texts).toEqual(users.map((u) => `hello ${u} (1)`))
  } finally {
    await server.close()
  }
})

describe('outside a request', () => {
  test('reading throws a clear error; maybe and available say there is none', () => {
    expect(() => session.current).toThrow(/no session is registered here/)
    expect(() => current.user).toThrow(/no session is registered here/)
    expect(session.maybe).toBeUndefined()
    expect(session.available).toBe(false)
  })

  test('a process-wide value is the fallback, and requests still shadow it', async () => {
    const remove = session.pushProcessValue(makeSession('process'))
    try {
      expect(current.greet()).toBe('hello process')
      const fetch = inProcessFetch(pipe((() => new Response(current.user)) as App, withSession))
      expect(await (await fetch('/?u=req')).text()).toBe('req')
      expect(current.user).toBe('process')
    } finally {
      remove()
    }
    expect(session.available).toBe(false)
  })
})

test('the proxy forwards writes, in, keys and methods bound to the current value', () =>
  session.run(makeSession('zoe'), () => {
    current.user = 'zoe2'
    expect(session.current.user).toBe('zoe2')
    expect('greet' in current).toBe(true)
    expect(Object.keys(current)).toEqual(['user', 'log', 'greet'])
    const greet = current.greet
    expect(greet()).toBe('hello zoe2')
    expect({ ...current }.user).toBe('zoe2')
  }))

test('nested registries shadow the outer one for their part only', async () => {
  const inner = registry([register(session, () => makeSession('inner'))])
  const shadowed = pipe((() => new Response(current.user)) as App, inner)
  const app: App = (request, context) =>
    new URL(request.url).pathname === '/inner'
      ? shadowed(request, context)
      : new Response(current.user)
  const fetch = inProcessFetch(pipe(app, withSession))
  expect(await (await fetch('/inner?u=outer')).text()).toBe('inner')
  expect(await (await fetch('/?u=outer')).text()).toBe('outer')
})

test('several values, made asynchronously, from the request and its context', async () => {
  const userName = requestLocal<string | undefined>('userName')
  const startedAt = requestLocal<number>('startedAt')
  const app = pipe(
    (() => new Response(`${userName.current}:${typeof startedAt.current}`)) as App,
    registry([
      register(userName, async (_request, context) => {
        await sleep(1)
        return context.remoteUser
      }),
      register(startedAt, () => Date.now()),
    ]),
  )
  const fetch = inProcessFetch(
    pipe(
      app,
      (inner) => (request, context) => inner(request, context.derive({ remoteUser: 'kim' })),
    ),
  )
  expect(await (await fetch('/')).text()).toBe('kim:number')
})

test('bad registrations and names are refused', () => {
  expect(() => registry([[session, () => null] as unknown as Registration])).toThrow(/register\(\)/)
  expect(() => register({} as never, () => 1)).toThrow(/RequestLocal/)
  expect(() => requestLocal('')).toThrow(/name/)
})

describe('configuration (paste.config)', () => {
  const show: App = () =>
    Response.json({
      all: CONFIG.current,
      site: config('site'),
      missing: config('missing', 'default'),
    })

  matrix(
    'configMiddleware makes a configuration current; inner ones merge over outer ones',
    () =>
      pipe(
        (request: Request, context) =>
          new URL(request.url).pathname === '/admin'
            ? pipe(show, configMiddleware({ site: 'admin', theme: 'dark' }))(request, context)
            : show(request, context),
        configMiddleware({ site: 'docs', debug: false }),
      ),
    async (fetch) => {
      expect(await (await fetch('/')).json()).toEqual({
        all: { site: 'docs', debug: false },
        site: 'docs',
        missing: 'default',
      })
      expect(await (await fetch('/admin')).json()).toEqual({
        all: { site: 'admin', debug: false, theme: 'dark' },
        site: 'admin',
        missing: 'default',
      })
    },
  )

  test('a missing key without a fallback names the key; the configuration is frozen', async () => {
    const fetch = inProcessFetch(
      pipe(
        (() => {
          expect(() => config('nope')).toThrow(/has no "nope"/)
          expect(Object.isFrozen(CONFIG.current)).toBe(true)
          return new Response('ok')
        }) as App,
        configMiddleware({ a: 1 }),
      ),
    )
    expect(await (await fetch('/')).text()).toBe('ok')
  })
})
