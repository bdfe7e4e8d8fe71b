// Interoperability with Apache's mod_auth_tkt (Debian: apache2, libapache2-mod-auth-tkt),
// started on loopback with a private configuration: a ticket we mint opens a page behind
// mod_auth_tkt, and a ticket mod_auth_tkt mints (its refresh cookie), we accept.
// CI installs both (.ci/run); a missing binary or module is a failure, not a skip.
import { type ChildProcess, spawn } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type App, loginKey, silentLogger } from '@paste/core'
import { startServer } from '@paste-tooling/testing'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import {
  authTkt,
  createTicket,
  decodeCookieValue,
  encodeCookieValue,
  parseTicket,
  type TicketDigest,
} from './index.js'

const APACHE = '/usr/sbin/apache2'
const MODULES = '/usr/lib/apache2/modules'
const SECRET = 'sharedsecret'
const DIGESTS: TicketDigest[] = ['md5', 'sha256', 'sha512']

interface Vector {
  secret: string
  userid: string
  ip: string
  digest: TicketDigest
  ticket: string
}
const vectors: Vector[] = JSON.parse(
  readFileSync(new URL('../../../../shared/vectors/auth-tkt.json', import.meta.url), 'utf8'),
).vectors

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function config(dir: string, ports: Record<TicketDigest, number>): string {
  const modules = [
    'mpm_event',
    'authn_core',
    'authz_core',
    'authz_user',
    'auth_tkt',
    'headers',
    'env',
    'dir',
  ]
  const root = process.getuid?.() === 0 ? 'User www-data\nGroup www-data\n' : ''
  const hosts = DIGESTS.map(
    (digest) => `Listen 127.0.0.1:${ports[digest]}
<VirtualHost 127.0.0.1:${ports[digest]}>
  TKTAuthSecret "${SECRET}"
  TKTAuthDigestType ${digest.toUpperCase()}
</VirtualHost>`,
  ).join('\n')
  const location = (
    path: string,
    ignoreIp: boolean,
    timeout: string,
    refresh: string,
  ) => `<Location ${path}>
  AuthType None
  Require valid-user
  TKTAuthLoginURL /login
  TKTAuthIgnoreIP ${ignoreIp ? 'on' : 'off'}
  TKTAuthTimeout ${timeout}
  TKTAuthTimeoutRefresh ${refresh}
  Header always set X-Remote-User "%{REMOTE_USER}e"
  Header always set X-Remote-User-Tokens "%{REMOTE_USER_TOKENS}e"
  Header always set X-Remote-User-Data "%{REMOTE_USER_DATA}e"
</Location>`
  return `ServerRoot "/etc/apache2"
ServerName 127.0.0.1
DefaultRuntimeDir ${dir}
PidFile ${dir}/httpd.pid
ErrorLog ${dir}/error.log
LogLevel warn
${root}${modules.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`).join('\n')}
DocumentRoot ${dir}/htdocs
<Directory ${dir}/htdocs>
  Require all granted
</Directory>
TKTAuthSecret "${SECRET}"
${hosts}
${location('/protected', false, '2h', '1')}
${location('/vectors-ip', false, '0', '0')}
${location('/vectors-any', true, '0', '0')}
`
}

describe('Apache mod_auth_tkt', () => {
  let apache: ChildProcess | undefined
  let dir: string
  const ports = {} as Record<TicketDigest, number>
  const url = (digest: TicketDigest, path: string) => `http://127.0.0.1:${ports[digest]}${path}`

  beforeAll(async () => {
    if (!existsSync(APACHE))
      throw new Error(
        `apache2 is required for the mod_auth_tkt interop tests (apt-get install apache2); ${APACHE} not found`,
      )
    if (!existsSync(`${MODULES}/mod_auth_tkt.so`))
      throw new Error(
        'mod_auth_tkt is required (apt-get install libapache2-mod-auth-tkt); module not found',
      )
    dir = mkdtempSync(join(tmpdir(), 'paste-auth-tkt-'))
    for (const d of ['htdocs', 'htdocs/protected', 'htdocs/vectors-ip', 'htdocs/vectors-any'])
      mkdirSync(join(dir, d), { recursive: true })
    for (const d of ['protected', 'vectors-ip', 'vectors-any'])
      writeFileSync(join(dir, 'htdocs', d, 'page.txt'), 'secret page\n')
    for (const d of ['', 'htdocs', 'htdocs/protected', 'htdocs/vectors-ip', 'htdocs/vectors-any'])
      chmodSync(join(dir, d), 0o755)
    for (const digest of DIGESTS) ports[digest] = await freePort()
    writeFileSync(join(dir, 'httpd.conf'), config(dir, ports))
    apache = spawn(APACHE, ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    apache.stderr!.on('data', (chunk) => (stderr += chunk))
    const log = () =>
      stderr +
      (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '')
    const deadline = Date.now() + 15_000
    for (;;) {
      if (apache.exitCode !== null) throw new Error(`apache2 exited: ${log()}`)
      try {
        await Promise.all(DIGESTS.map((d) => fetch(url(d, '/'))))
        break
      } catch {
        if (Date.now() > deadline) throw new Error(`apache2 did not start: ${log()}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  })

  afterAll(async () => {
    if (apache && apache.exitCode === null) {
      const exited = new Promise((r) => apache!.once('exit', r))
      apache.kill('SIGTERM')
      await exited
    }
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const get = (digest: TicketDigest, path: string, cookie?: string) =>
    fetch(url(digest, path), { redirect: 'manual', headers: cookie ? { cookie } : {} })

  test.each(DIGESTS)('%s: without a ticket Apache sends us to the login URL', async (digest) => {
    const response = await get(digest, '/protected/page.txt')
    expect([302, 307]).toContain(response.status)
    expect(response.headers.get('location')).toMatch(/\/login/)
  })

  test.each(DIGESTS)('%s: a ticket we mint (base64 and plain) opens the page', async (digest) => {
    const ticket = await createTicket({
      secret: SECRET,
      userid: 'alice',
      ip: '127.0.0.1',
      tokens: ['editor'],
      userData: 'loopback',
      digest,
    })
    for (const value of [encodeCookieValue(ticket), ticket]) {
      const response = await get(digest, '/protected/page.txt', `auth_tkt=${value}`)
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('secret page\n')
      expect(response.headers.get('x-remote-user')).toBe('alice')
      expect(response.headers.get('x-remote-user-tokens')).toBe('editor')
      expect(response.headers.get('x-remote-user-data')).toBe('loopback')
    }
  })

  test.each(
    DIGESTS,
  )('%s: a forged, foreign-IP or wrong-digest ticket is refused by Apache', async (digest) => {
    const base = { userid: 'alice', tokens: ['editor'], digest }
    const other = digest === 'md5' ? 'sha256' : 'md5'
    for (const ticket of [
      await createTicket({ ...base, secret: 'not-the-secret', ip: '127.0.0.1' }),
      await createTicket({ ...base, secret: SECRET, ip: '10.0.0.1' }),
      await createTicket({ ...base, secret: SECRET, ip: '127.0.0.1', digest: other }),
    ]) {
      expect(
        (await get(digest, '/protected/page.txt', `auth_tkt=${encodeCookieValue(ticket)}`)).status,
      ).not.toBe(200)
    }
  })

  test.each(
    DIGESTS,
  )('%s: the ticket Apache mints when it refreshes ours, we accept', async (digest) => {
    const time = Math.floor(Date.now() / 1000) - 60
    const ticket = await createTicket({
      secret: SECRET,
      userid: 'alice',
      ip: '127.0.0.1',
      tokens: ['editor'],
      userData: 'loopback',
      digest,
      time,
    })
    const response = await get(
      digest,
      '/protected/page.txt',
      `auth_tkt=${encodeCookieValue(ticket)}`,
    )
    expect(response.status).toBe(200)
    const set = response.headers.getSetCookie().find((c) => c.startsWith('auth_tkt='))!
    expect(set).toBeDefined()
    const minted = decodeCookieValue(set.slice('auth_tkt='.length).split(';')[0]!)!
    expect(minted).not.toBe(ticket) // a new timestamp, signed by Apache
    const fields = await parseTicket(SECRET, minted, '127.0.0.1', digest)
    expect(fields).toMatchObject({ userid: 'alice', tokens: ['editor'], userData: 'loopback' })
    expect(fields!.time).toBeGreaterThan(time)
  })

  test('every shared vector for this secret opens the page (TKTAuthTimeout 0)', async () => {
    const mine = vectors.filter(
      (v) => v.secret === SECRET && (v.ip === '0.0.0.0' || v.ip === '127.0.0.1'),
    )
    expect(mine.length).toBeGreaterThanOrEqual(6)
    for (const v of mine) {
      const path = v.ip === '0.0.0.0' ? '/vectors-any/page.txt' : '/vectors-ip/page.txt'
      const response = await get(v.digest, path, `auth_tkt=${encodeCookieValue(v.ticket)}`)
      expect(response.status, `${v.digest} ${v.userid} ${v.ip}`).toBe(200)
      expect(response.headers.get('x-remote-user')).toBe(v.userid)
    }
  })

  test('end to end: a login through the authTkt middleware opens Apache, and back', async () => {
    const site: App = async (request, context) => {
      if (new URL(request.url).pathname === '/login') {
        await context.require(loginKey).login('alice', { tokens: ['editor'] })
        return new Response('ok')
      }
      return new Response(context.remoteUser ?? '-')
    }
    const paste = await startServer(
      authTkt({ secret: SECRET, digest: 'sha256', refresh: 0 })(site),
      { logger: silentLogger },
    )
    try {
      // log in a minute in the past, so Apache refreshes the ticket (TKTAuthTimeoutRefresh 1)
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 60_000 })
      const set = await paste
        .fetch('/login')
        .then((r) => r.headers.getSetCookie()[0]!)
        .finally(() => vi.useRealTimers())
      const cookie = set.split(';')[0]!
      const fromApache = await get('sha256', '/protected/page.txt', cookie)
      expect(fromApache.headers.get('x-remote-user')).toBe('alice')
      const apacheCookie = fromApache.headers
        .getSetCookie()
        .find((c) => c.startsWith('auth_tkt='))!
        .split(';')[0]!
      expect(await (await paste.fetch('/', { headers: { cookie: apacheCookie } })).text()).toBe(
        'alice',
      )
    } finally {
      await paste.close()
    }
  })
})
