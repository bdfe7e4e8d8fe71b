import { matrix } from '@paste-tooling/testing'
import { expect, test } from 'vitest'
import { recordingLogger, type TarMember, tarBytes, writeTemp } from '../test/fixtures.js'
import { archiveApp } from './index.js'

const text = 'a line of the tarball\n'.repeat(50)
const members: TarMember[] = [
  { path: './', type: 'Directory' },
  { path: './site/', type: 'Directory' },
  { path: './site/page.html', data: '<p>page</p>' },
  { path: './site/notes.txt', data: text },
  { path: 'style.css', data: 'body{}' },
  { path: 'sym', type: 'SymbolicLink', linkpath: '/etc/passwd' },
  { path: 'hard', type: 'Link', linkpath: 'style.css' },
  { path: 'fifo', type: 'FIFO' },
  { path: '../escape.txt', data: 'escaped' },
  { path: '/etc/passwd', data: 'root:x:0:0' },
  { path: 'a\\..\\b.txt', data: 'backslash' },
  { path: 'dup.txt', data: 'first' },
  { path: 'dup.txt', data: 'second' },
]
const tarPath = writeTemp('site.tar', tarBytes(members))
const tgzPath = writeTemp('site.tgz', tarBytes(members, true))
const tarGzPath = writeTemp('site.tar.gz', tarBytes(members, true))

for (const [label, path] of [
  ['tar', tarPath],
  ['tgz', tgzPath],
  ['tar.gz', tarGzPath],
] as const) {
  matrix(
    `${label}: members served with type, bytes, 304, 206, 416 and HEAD`,
    () => archiveApp(path, { logger: recordingLogger() }),
    async (fetch) => {
      const page = await fetch('/site/page.html')
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(await page.text()).toBe('<p>page</p>')
      const css = await fetch('/style.css')
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
      expect(await css.text()).toBe('body{}')
      const notes = await fetch('/site/notes.txt')
      const etag = notes.headers.get('etag') ?? ''
      expect(await notes.text()).toBe(text)
      const same = await fetch('/site/notes.txt', { headers: { 'if-none-match': etag } })
      expect(same.status).toBe(304)
      const part = await fetch('/site/notes.txt', { headers: { range: 'bytes=2-7' } })
      expect(part.status).toBe(206)
      expect(part.headers.get('content-range')).toBe(`bytes 2-7/${text.length}`)
      expect(await part.text()).toBe(text.slice(2, 8))
      const none = await fetch('/site/notes.txt', { headers: { range: 'bytes=99999-' } })
      expect(none.status).toBe(416)
      await none.arrayBuffer()
      const head = await fetch('/site/notes.txt', { method: 'HEAD' })
      expect(head.headers.get('content-length')).toBe(String(text.length))
      expect(await head.text()).toBe('')
      // the last of two members with one name wins, as extracting would leave it
      expect(await (await fetch('/dup.txt')).text()).toBe('second')
    },
  )

  matrix(
    `${label}: links, devices, directories and hostile names are never served`,
    () => archiveApp(path, { logger: recordingLogger() }),
    async (fetch) => {
      for (const p of [
        '/sym',
        '/hard',
        '/fifo',
        '/site',
        '/site/',
        '/',
        '/escape.txt',
        '/etc/passwd',
        '/b.txt',
        '/a%5C..%5Cb.txt',
      ]) {
        const response = await fetch(p)
        expect([400, 404], p).toContain(response.status)
        const body = await response.text()
        expect(body).not.toContain('root:x')
        expect(body).not.toContain('escaped')
      }
    },
  )
}

test('hostile member names are left out of the index and reported once', async () => {
  const logger = recordingLogger()
  const app = archiveApp(tarPath, { logger })
  const { inProcessFetch } = await import('@paste-tooling/testing')
  const fetch = inProcessFetch(app)
  expect((await fetch('/style.css')).status).toBe(200)
  expect((await fetch('/etc/passwd')).status).toBe(404)
  // ../escape.txt, /etc/passwd and a\..\b.txt
  expect(logger.warnings).toEqual([
    {
      message: '@paste/fileapp-archive: members with unsafe names left out',
      details: { path: tarPath, skipped: 3 },
    },
  ])
  expect((await fetch('/a%5C..%5Cb.txt')).status).toBe(400)
  expect((await fetch('/..%2Fescape.txt')).status).toBe(400)
  expect(logger.errors).toEqual([])
})
