import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { createContext, type Logger, silentLogger } from '@paste/core'
import { matrix, startServer } from '@paste-tooling/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { parseEnv, writeScripts } from '../test/scripts.js'
import { cgiApp } from './index.js'

const scripts = writeScripts()
afterAll(() => scripts.remove())
const run = promisify(execFile)

describe('response splitting from the script', () => {
  const reasons: string[] = []
  const logger: Logger = {
    ...silentLogger,
    error: (_m, details) => void reasons.push(String(details?.reason)),
  }
  matrix(
    'CR inside a header, folded lines, NUL, a Location with spaces: 502, never a forged header',
    () => cgiApp(scripts.path('inject.sh')),
    async (fetch) => {
      reasons.length = 0
      for (const attack of ['cr', 'fold', 'nul', 'location']) {
        const response = await fetch(`/?${attack}`, { redirect: 'manual' })
        expect(response.status).toBe(502)
        expect(response.headers.get('set-cookie')).toBeNull()
        expect(response.headers.get('x-a')).toBeNull()
        expect(response.headers.get('location')).toBeNull()
        expect(await response.text()).not.toContain('evil')
      }
      expect(reasons).toEqual([
        'a CR inside a header line',
        'a folded (continuation) header line',
        'control characters in x-a',
        'a Location that is not a URI reference',
      ])
    },
    { logger },
  )
  matrix(
    'hop-by-hop headers from the script are dropped',
    () => cgiApp(scripts.path('inject.sh')),
    async (fetch, transport) => {
      const response = await fetch('/?hop')
      expect(response.status).toBe(200)
      // through a server, its own framing headers are there instead
      if (transport === 'in-process') {
        expect(response.headers.get('transfer-encoding')).toBeNull()
        expect(response.headers.get('connection')).toBeNull()
      } else expect(response.headers.get('connection')).not.toBe('close')
      expect(await response.text()).toBe('ok\n')
      expect((await fetch('/?hop')).status).toBe(200)
    },
  )
  matrix(
    'output shorter than its Content-Length is a failed transfer, not a short success',
    () => cgiApp(scripts.path('inject.sh')),
    async (fetch) => {
      const response = await fetch('/?length')
      expect(response.status).toBe(200)
      await expect(response.text()).rejects.toThrow()
    },
    { logger: silentLogger },
  )
})

describe('hostile request paths and headers', () => {
  matrix(
    'traversal in PATH_INFO is data: encoded slashes 404, dot segments never climb',
    () => cgiApp(scripts.path('env.sh')),
    async (fetch) => {
      expect((await fetch('/..%2F..%2Fetc%2Fpasswd')).status).toBe(404)
      const dotted = await fetch('/a/..%5C..%5Cetc/passwd')
      const env = parseEnv(await dotted.text())
      expect(env.PATH_INFO).toBe('/a/..\\..\\etc/passwd')
      expect(env.CWD).toBe(scripts.dir)
      expect(env).not.toHaveProperty('PATH_TRANSLATED')
    },
  )
  matrix(
    'allowEncodedSlashes: the decoded path reaches the script as a string, nothing more',
    () => cgiApp(scripts.path('env.sh'), { allowEncodedSlashes: true }),
    async (fetch) => {
      const env = parseEnv(await (await fetch('/..%2F..%2Fetc%2Fpasswd')).text())
      expect(env.PATH_INFO).toBe('/../../etc/passwd')
      expect(env.REQUEST_URI).toBe('/..%2F..%2Fetc%2Fpasswd')
      expect(env).not.toHaveProperty('PATH_TRANSLATED')
    },
  )
  matrix(
    'NUL and bytes that are not UTF-8 in the path: 400 without running the script',
    () => cgiApp(scripts.path('env.sh')),
    async (fetch) => {
      expect((await fetch('/a%00b')).status).toBe(400)
      expect((await fetch('/%FF%FE')).status).toBe(400)
    },
  )
  matrix(
    'Authorization is not passed unless asked; Proxy-Authorization never',
    () => cgiApp(scripts.path('env.sh')),
    async (fetch) => {
      const env = parseEnv(
        await (
          await fetch('/', {
            headers: {
              authorization: 'Basic YWxpY2U6c2VjcmV0',
              'proxy-authorization': 'Basic eA==',
            },
          })
        ).text(),
      )
      expect(env).not.toHaveProperty('HTTP_AUTHORIZATION')
      expect(env).not.toHaveProperty('HTTP_PROXY_AUTHORIZATION')
    },
  )
  matrix(
    'passAuthorization: true gives HTTP_AUTHORIZATION to scripts that authenticate themselves',
    () => cgiApp(scripts.path('env.sh'), { passAuthorization: true }),
    async (fetch) => {
      const env = parseEnv(
        await (await fetch('/', { headers: { authorization: 'Bearer abc' } })).text(),
      )
      expect(env.HTTP_AUTHORIZATION).toBe('Bearer abc')
    },
  )
  matrix(
    'a header name with an underscore cannot impersonate a dashed one',
    () => cgiApp(scripts.path('env.sh')),
    async (fetch) => {
      const env = parseEnv(
        await (await fetch('/', { headers: { x_remote_user: 'admin', 'x-real': 'yes' } })).text(),
      )
      expect(env).not.toHaveProperty('HTTP_X_REMOTE_USER')
      expect(env.HTTP_X_REAL).toBe('yes')
    },
  )
  test('a malformed Content-Length (possible only in process; servers refuse it): 400', async () => {
    const request = new Request('http://localhost/', {
      method: 'POST',
      headers: { 'content-length': '1e3' },
      body: 'x',
    })
    const response = await cgiApp(scripts.path('echo.py'))(request, createContext(request))
    expect(response.status).toBe(400)
  })
})

test('curl through the real server: a form post to perl, and an httpoxy Proxy header', async () => {
  const server = await startServer((request, context) =>
    context.pathInfo === '/env'
      ? cgiApp(scripts.path('env.sh'))(request, context)
      : cgiApp(scripts.path('form.pl'))(request, context),
  )
  try {
    const form = await run('curl', [
      '-s',
      '-i',
      '--data',
      'name=curl+user',
      new URL('/form?q=1', server.url).href,
    ])
    expect(form.stdout).toMatch(/^HTTP\/1\.1 200/)
    expect(form.stdout).toMatch(/\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n/i)
    expect(form.stdout).toMatch(/\r\n\r\nHello curl user from perl \(POST q=1\)\n$/)
    const env = await run('curl', [
      '-s',
      '-H',
      'Proxy: http://evil.example:3128',
      '-H',
      'X_Forwarded_For: 6.6.6.6',
      new URL('/env', server.url).href,
    ])
    const vars = parseEnv(env.stdout)
    expect(vars.HTTP_USER_AGENT).toMatch(/^curl\//)
    expect(vars).not.toHaveProperty('HTTP_PROXY')
    expect(vars).not.toHaveProperty('HTTP_X_FORWARDED_FOR')
  } finally {
    await server.close()
  }
})
