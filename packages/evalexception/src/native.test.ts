/**
 * Modules Node loads itself (not through the test runner's transform): the inspector names
 * their scripts by file URL, so frames pair by file and line; and a source-mapped module,
 * whose frames are shown at their original position with the locals still paired.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { App } from '@paste/core'
import { matrix } from '@paste-tooling/testing'
import { afterAll, expect } from 'vitest'
import { evalException } from './index.js'

const dir = mkdtempSync(join(tmpdir(), 'evalexception-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const require = createRequire(import.meta.url)

const BODY = [
  'exports.count = function count(limit) {',
  '  for (let n = 0; n < limit; n++) {',
  '    const square = n * n',
  "    if (square > 10) throw new Error('too big: ' + n)",
  '  }',
  '}',
]
writeFileSync(join(dir, 'plain.cjs'), `${BODY.join('\n')}\n`)

// mapped.cjs is orig.ts with two lines in front; each generated line maps to its original
// line (VLQ: "AAAA" = source 0, line 0, column 0; "AACA" = the next line)
const ORIGINAL = ['export function count(limit: number): void {', ...BODY.slice(1)]
writeFileSync(join(dir, 'orig.ts'), `${ORIGINAL.join('\n')}\n`)
const map = {
  version: 3,
  sources: ['orig.ts'],
  names: [],
  mappings: `;;AAAA${';AACA'.repeat(BODY.length - 1)}`,
}
writeFileSync(
  join(dir, 'mapped.cjs'),
  `'use strict'\n// generated from orig.ts\n${BODY.join('\n')}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`,
)

process.setSourceMapsEnabled(true)
const plain = require(join(dir, 'plain.cjs')) as { count: (limit: number) => void }
const mapped = require(join(dir, 'mapped.cjs')) as { count: (limit: number) => void }

const appOf = (count: (limit: number) => void): App =>
  function countApp() {
    count(10)
    return new Response('unreachable')
  }

function countConsole(html: string): { id: string; token: string; frame: string; li: string } {
  const li = html.split('<li').find((chunk) => chunk.includes('<code class="fn">count</code>'))!
  return {
    id: /data-id="([^"]+)"/.exec(html)![1]!,
    token: /data-token="([^"]+)"/.exec(html)![1]!,
    frame: /data-frame="(\d+:\d+)"/.exec(li)![1]!,
    li,
  }
}

matrix(
  'a module Node loaded itself: locals pair by file and line',
  () => evalException()(appOf(plain.count)),
  async (fetch) => {
    const html = await (await fetch('/')).text()
    const { li, ...c } = countConsole(html)
    expect(li).toContain('plain.cjs:4:')
    expect(li).toMatch(/<th>square<\/th><td><code>16<\/code>/)
    const answer = await fetch('/_debug/eval', {
      method: 'POST',
      body: new URLSearchParams({ ...c, expr: 'square + n' }),
    })
    expect(await answer.text()).toBe('20\n')
  },
)

matrix(
  'a source-mapped module: the original position and source, locals still paired',
  () => evalException()(appOf(mapped.count)),
  async (fetch) => {
    const html = await (await fetch('/')).text()
    const { li, ...c } = countConsole(html)
    expect(li).toContain('orig.ts:4:')
    expect(li).toContain('export function count(limit: number): void {')
    expect(li).toMatch(/<th>n<\/th><td><code>4<\/code>/)
    const answer = await fetch('/_debug/eval', {
      method: 'POST',
      body: new URLSearchParams({ ...c, expr: 'limit' }),
    })
    expect(await answer.text()).toBe('10\n')
  },
)
