import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { TestApp } from '@paste/fixture'
import { startServer } from '@paste-tooling/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createDemo } from './app.js'

const run = promisify(execFile)

describe('demo, in process through @paste/fixture', () => {
  test('home page counts visits in the session', async () => {
    const app = new TestApp(createDemo())
    ;(await app.get('/')).mustContain('<td>1</td>')
    ;(await app.get('/')).mustContain('<td>2</td>')
  })

  test('form login is remembered in the session, logout ends it', async () => {
    const app = new TestApp(createDemo())
    const toLogin = await app.get('/account', { status: 303 })
    const login = await toLogin.follow()
    const done = await login.form.set('username', 'demo').set('password', 'demo').submit()
    const account = await done.follow()
    account.mustContain('Hello, demo').mustContain('signed in as <b>demo</b>')
    const logout = await app.get('/logout')
    await (await logout.form.submit()).follow()
    await app.get('/account', { status: 303 })
  })

  test('a wrong password is refused and nothing is remembered', async () => {
    const app = new TestApp(createDemo())
    const login = await app.get('/login')
    const failed = await login.form
      .set('username', 'demo')
      .set('password', 'nope')
      .submit(undefined, { status: 401 })
    failed.mustNotContain('Hello, demo')
    await app.get('/account', { status: 303 })
  })

  test('404 and 500 come from the error pages with their status; a crash leaks nothing', async () => {
    const app = new TestApp(createDemo())
    ;(await app.get('/nowhere', { status: 404 })).mustContain('There is nothing here.')
    // a crash (not an HTTP error) is logged and answered by the 500 page, nothing of the error
    const crash = await app.get('/boom', { status: 500, expectErrors: true })
    crash.mustContain('Something went wrong').mustNotContain('never reach the client')
    expect(crash.text).not.toMatch(/at boom|app\.ts/)
  })

  test('static files and JSON', async () => {
    const app = new TestApp(createDemo())
    const css = await app.get('/static/style.css')
    expect(css.headers.get('content-type')).toMatch(/^text\/css/)
    expect(css.headers.get('etag')).toMatch(/^"/)
    ;(await app.get('/robots.txt')).mustContain('Disallow: /private/')
    expect((await app.get('/api/time')).json()).toMatchObject({ user: null })
  })
})

describe('demo through a real server and real clients', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer(createDemo({ secret: 'x'.repeat(40) }))
  })
  afterAll(() => server.close())

  test('curl opens the Digest area with SHA-256 or MD5, and is refused without it', async () => {
    const url = `${server.url}/private/`
    const denied = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', url])
    expect(denied.stdout).toBe('401')
    const ok = await run('curl', ['-s', '--digest', '-u', 'demo:demo', url])
    expect(ok.stdout).toContain('You passed HTTP Digest')
    const wrong = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--digest',
      '-u',
      'demo:x',
      url,
    ])
    expect(wrong.stdout).toBe('401')
  })

  test('/_watch lists the requests in flight, to the Digest user only', async () => {
    const url = `${server.url}/_watch/`
    const denied = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', url])
    expect(denied.stdout).toBe('401')
    const { stdout } = await run('curl', [
      '-s',
      '--digest',
      '-u',
      'demo:demo',
      '-H',
      'Accept: application/json',
      url,
    ])
    const data = JSON.parse(stdout) as { requests: { url: string }[]; eventLoop: object }
    expect(data.requests.map((r) => r.url)).toContain('/_watch/')
    expect(data.eventLoop).toHaveProperty('delayP99Ms')
  })

  test('pages are gzipped for clients that ask', async () => {
    const { stdout } = await run('curl', [
      '-s',
      '-D',
      '-',
      '-o',
      '/dev/null',
      '-H',
      'Accept-Encoding: gzip',
      `${server.url}/`,
    ])
    expect(stdout.toLowerCase()).toContain('content-encoding: gzip')
    expect(stdout.toLowerCase()).toContain('vary: accept-encoding')
  })
})
