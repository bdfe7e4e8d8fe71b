// Interoperability with real Digest clients: curl (--digest) and Python's urllib
// (HTTPDigestAuthHandler), talking to the middleware through a real loopback server.
// CI installs both (.ci/run); a missing binary is a failure, not a skip.
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { type App, silentLogger } from '@paste/core'
import { startServer } from '@paste-tooling/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type AuthDigestOptions, authDigest, type DigestHash } from './index.js'

const run = promisify(execFile)

function binary(name: string, candidates: string[]): string {
  for (const candidate of candidates) {
    try {
      return execFileSync('sh', ['-c', `command -v ${candidate}`], { encoding: 'utf8' }).trim()
    } catch {}
  }
  throw new Error(
    `${name} is required for the Digest interop tests (apt-get install ${name}); not found`,
  )
}

const whoami: App = (_request, context) => new Response(`hello ${context.remoteUser}`)
const users: Record<string, string> = { Mufasa: 'Circle of Life', jürgen: 'pässwörd' }

/** A server whose lookup records which hash each request used. */
async function server(
  options: { [K in keyof AuthDigestOptions]?: AuthDigestOptions[K] | undefined },
) {
  const used: DigestHash[] = []
  const app = authDigest({
    realm: 'interop@paste',
    getUser: (user, _realm, hash) => {
      used.push(hash)
      return users[user]
    },
    ...options,
  } as AuthDigestOptions)(whoami)
  const s = await startServer(app, { logger: silentLogger })
  return Object.assign(s, { used })
}

describe('curl --digest', () => {
  let curl: string
  beforeAll(() => {
    curl = binary('curl', ['curl'])
  })
  const get = async (url: string, user: string, extra: string[] = []) => {
    const { stdout } = await run(curl, [
      '-s',
      '--digest',
      '-u',
      user,
      '-w',
      '\n%{http_code}',
      ...extra,
      url,
    ])
    const lines = stdout.split('\n')
    return { status: Number(lines.pop()), body: lines.join('\n') }
  }

  test('MD5', async () => {
    const s = await server({ algorithms: ['MD5'] })
    try {
      expect(
        await get(new URL('/dir/index.html?a=1&b=2', s.url).href, 'Mufasa:Circle of Life'),
      ).toEqual({ status: 200, body: 'hello Mufasa' })
      expect(s.used).toEqual(['MD5'])
      expect((await get(new URL('/x', s.url).href, 'Mufasa:wrong')).status).toBe(401)
    } finally {
      await s.close()
    }
  })

  test('SHA-256', async () => {
    const s = await server({ algorithms: ['SHA-256'] })
    try {
      expect(await get(new URL('/p', s.url).href, 'Mufasa:Circle of Life')).toEqual({
        status: 200,
        body: 'hello Mufasa',
      })
      expect(s.used).toEqual(['SHA-256'])
      expect((await get(new URL('/p', s.url).href, 'Mufasa:circle of life')).status).toBe(401)
    } finally {
      await s.close()
    }
  })

  test('the default two-challenge offer (curl 7.88 answers the last challenge it sees)', async () => {
    const s = await server({})
    try {
      expect(await get(new URL('/p', s.url).href, 'Mufasa:Circle of Life')).toEqual({
        status: 200,
        body: 'hello Mufasa',
      })
      expect(s.used).toHaveLength(1)
    } finally {
      await s.close()
    }
  })

  test('SHA-256 with userhash and a UTF-8 user name', async () => {
    const s = await server({ algorithms: ['SHA-256'], userhash: true, getUser: undefined, users })
    // (a users table resolves userhashes by itself)
    try {
      expect(await get(new URL('/u', s.url).href, 'jürgen:pässwörd')).toEqual({
        status: 200,
        body: 'hello jürgen',
      })
      expect(await get(new URL('/u', s.url).href, 'Mufasa:Circle of Life')).toEqual({
        status: 200,
        body: 'hello Mufasa',
      })
    } finally {
      await s.close()
    }
  })

  // (curl 7.88 gets SHA-512-256 wrong; that algorithm is checked against node:crypto instead)
  for (const algorithm of ['MD5-sess', 'SHA-256-sess'] as const) {
    test(algorithm, async () => {
      const s = await server({ algorithms: [algorithm] })
      try {
        expect((await get(new URL('/s', s.url).href, 'Mufasa:Circle of Life')).status).toBe(200)
        expect((await get(new URL('/s', s.url).href, 'Mufasa:wrong')).status).toBe(401)
      } finally {
        await s.close()
      }
    })
  }

  test('a POST with a body', async () => {
    const s = await server({ algorithms: ['SHA-256'] })
    try {
      const r = await get(new URL('/form', s.url).href, 'Mufasa:Circle of Life', ['--data', 'a=1'])
      expect(r.status).toBe(200)
    } finally {
      await s.close()
    }
  })
})

describe("Python urllib's HTTPDigestAuthHandler", () => {
  let python: string
  beforeAll(() => {
    python = binary('python3', ['/usr/bin/python3', 'python3'])
  })
  const script = `
import sys, urllib.request, urllib.error
url, user, password = sys.argv[1:4]
handler = urllib.request.HTTPDigestAuthHandler()
handler.add_password('interop@paste', url, user, password)
opener = urllib.request.build_opener(handler)
try:
    with opener.open(url, timeout=10) as r:
        print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, '')
`
  // urllib implements MD5 and SHA-1 only, and answers the first challenge it sees.
  let s: Awaited<ReturnType<typeof server>>
  beforeAll(async () => {
    s = await server({ algorithms: ['MD5'] })
  })
  afterAll(async () => s?.close())

  test('logs in with MD5', async () => {
    const { stdout } = await run(python, [
      '-c',
      script,
      new URL('/dir/index.html?q=1', s.url).href,
      'Mufasa',
      'Circle of Life',
    ])
    expect(stdout.trim()).toBe('200 hello Mufasa')
  })

  test('a wrong password ends in 401', async () => {
    const { stdout } = await run(python, [
      '-c',
      script,
      new URL('/x', s.url).href,
      'Mufasa',
      'nope',
    ])
    expect(stdout.trim()).toBe('401')
  })
})
