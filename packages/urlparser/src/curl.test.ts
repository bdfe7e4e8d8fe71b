import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { curl, useServer } from '@paste-tooling/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { staticParser } from './index.js'

const root = mkdtempSync(join(tmpdir(), 'paste-urlparser-curl-'))
const css = 'body { color: black }\n'.repeat(300)
writeFileSync(join(root, 'site.css'), css)
writeFileSync(join(root, 'site.css.gz'), gzipSync(css))
writeFileSync(join(root, 'index.html'), '<h1>home</h1>')
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('a real HTTP client: curl against staticParser', () => {
  const server = useServer(() => staticParser(root, { precompressed: ['gzip'] }))
  test('--compressed gets the .gz sibling and decodes it', async () => {
    const url = `${server().url}/site.css`
    const headers = (
      await curl(['--compressed', '-D', '-', '-o', '/dev/null', url])
    ).stdout.toString()
    expect(headers).toMatch(/content-encoding: gzip/i)
    expect(headers).toMatch(/content-type: text\/css; charset=utf-8/i)
    expect((await curl(['--compressed', url])).stdout.toString()).toBe(css)
    expect((await curl([url])).stdout.toString()).toBe(css)
  })
  test('-r ranges, -L follows the slash redirect', async () => {
    expect((await curl(['-r', '0-3', `${server().url}/site.css`])).stdout.toString()).toBe('body')
    const dir = (await curl(['-D', '-', '-o', '/dev/null', `${server().url}`])).stdout.toString()
    expect(dir).toMatch(/^HTTP\/1\.1 200/)
    expect((await curl(['-L', `${server().url}/`])).stdout.toString()).toBe('<h1>home</h1>')
  })
})
