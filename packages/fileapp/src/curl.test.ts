import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { curl, useServer } from '@paste-tooling/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { directoryApp } from './index.js'

const hasCurl = (() => {
  try {
    execFileSync('curl', ['--version'])
    return true
  } catch {
    return false
  }
})()

const root = mkdtempSync(join(tmpdir(), 'paste-curl-'))
const content = Buffer.from(Array.from({ length: 200_000 }, (_, i) => 65 + (i % 26)))
writeFileSync(join(root, 'data.txt'), content)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe.skipIf(!hasCurl)(
  'a real HTTP client: curl (skipped only when curl is not installed)',
  () => {
    const server = useServer(() => directoryApp(root))
    const url = () => `${server().url}/data.txt`

    test('whole file, and curl -r single ranges', async () => {
      expect((await curl([url()])).stdout.equals(content)).toBe(true)
      expect((await curl(['-r', '0-9', url()])).stdout.toString()).toBe(
        content.subarray(0, 10).toString(),
      )
      expect((await curl(['-r', '-5', url()])).stdout.toString()).toBe(
        content.subarray(-5).toString(),
      )
      expect((await curl(['-r', '199990-', url()])).stdout.toString()).toBe(
        content.subarray(199990).toString(),
      )
      // an end past the file is clamped
      expect((await curl(['-r', '199995-300000', url()])).stdout.toString()).toBe(
        content.subarray(199995).toString(),
      )
    })

    test('curl -r with several ranges gets multipart/byteranges', async () => {
      const out = (await curl(['-r', '0-4,100-104', '-i', url()])).stdout.toString()
      expect(out).toMatch(/^HTTP\/1\.1 206/)
      expect(out).toMatch(/content-type: multipart\/byteranges; boundary=/i)
      expect(out).toContain('content-range: bytes 0-4/200000')
      expect(out).toContain('content-range: bytes 100-104/200000')
    })

    test('unsatisfiable range: 416 with bytes */length', async () => {
      const out = (await curl(['-r', '300000-300010', '-i', url()])).stdout.toString()
      expect(out).toMatch(/^HTTP\/1\.1 416/)
      expect(out).toMatch(/content-range: bytes \*\/200000/i)
    })

    test('curl -I (HEAD) and a conditional revalidation with the ETag curl saw', async () => {
      const head = (await curl(['-I', url()])).stdout.toString()
      expect(head).toMatch(/content-length: 200000/i)
      const etag = /etag: (".*?")/i.exec(head)?.[1]
      expect(etag).toBeDefined()
      const code = (
        await curl(['-o', '/dev/null', '-w', '%{http_code}', '-H', `If-None-Match: ${etag}`, url()])
      ).stdout.toString()
      expect(code).toBe('304')
      const date = /last-modified: (.*)\r/i.exec(head)?.[1]
      const tc = (
        await curl(['-o', '/dev/null', '-w', '%{http_code}', '-z', date!, url()])
      ).stdout.toString()
      expect(tc).toBe('304')
    })
  },
)
