import { Console } from 'node:console'
import { type App, pipe } from '@paste/core'
import { inProcessFetch } from '@paste-tooling/testing'
import { afterAll, beforeEach, describe, expect, test } from 'vitest'
import { debugPrints } from './index.js'

// What reaches the real stdout, recorded (installed before the middleware wraps the stream).
const realWrite = process.stdout.write
const console_: string[] = []
process.stdout.write = ((chunk: unknown) => {
  console_.push(String(chunk))
  return true
}) as typeof process.stdout.write
afterAll(() => {
  process.stdout.write = realWrite
})
beforeEach(() => {
  console_.length = 0
})

const out = new Console({ stdout: process.stdout, stderr: process.stderr })
const html = () => new Response('<body></body>', { headers: { 'content-type': 'text/html' } })

function site(app: App, options: Parameters<typeof debugPrints>[0]) {
  return inProcessFetch(pipe(app, debugPrints(options)))
}

describe('passThrough', () => {
  test('true (the default): the console gets each write as it happens', async () => {
    let seenDuringRequest = false
    const fetch = site(() => {
      out.log('as it happens')
      seenDuringRequest = console_.includes('as it happens\n')
      return html()
    }, {})
    expect(await (await fetch('/')).text()).toContain('as it happens')
    expect(seenDuringRequest).toBe(true)
  })

  test('false: an HTML page gets the output and the console does not', async () => {
    const fetch = site(
      () => {
        out.log('only in the page')
        return html()
      },
      { passThrough: false },
    )
    expect(await (await fetch('/')).text()).toContain('only in the page')
    expect(console_).toEqual([])
  })

  test('false: output of a request with no page goes to the console afterwards', async () => {
    const fetch = site(
      () => {
        out.log('first')
        out.log('second')
        return Response.json({})
      },
      { passThrough: false },
    )
    await (await fetch('/')).json()
    expect(console_).toEqual(['first\n', 'second\n'])
  })

  test('false: when the app throws, its output still reaches the console', async () => {
    const fetch = site(
      () => {
        out.log('before the crash')
        throw new Error('boom')
      },
      { passThrough: false },
    )
    await expect(fetch('/')).rejects.toThrow('boom')
    expect(console_).toEqual(['before the crash\n'])
  })

  test('false: past maxOutputChars, the page shows the start and the console the rest, once each', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${String(i).padStart(2, '0')}\n`)
    const fetch = site(
      () => {
        for (const line of lines) out.log(line.trimEnd())
        return html()
      },
      { passThrough: false, maxOutputChars: 64 },
    )
    const page = await (await fetch('/')).text()
    const shown = lines.filter((line) => page.includes(line.trimEnd()))
    expect(shown.length).toBeGreaterThan(0)
    expect([...shown, ...console_]).toEqual(lines)
  })

  test('writes outside any request are untouched', () => {
    out.log('not in a request')
    expect(console_).toEqual(['not in a request\n'])
  })
})
