import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createContext, knownBody } from '@paste/core'
import { afterAll, describe, expect, test } from 'vitest'
import { fileApp } from './index.js'
import { lazyBodyResponse } from './lazy-body.js'

const dir = mkdtempSync(join(tmpdir(), 'paste-lazy-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const path = join(dir, 'f.bin')
const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 253))
writeFileSync(path, data)

const get = async (init?: RequestInit) => {
  const request = new Request('http://localhost/', init)
  return fileApp(path, { inlineBytes: 0 })(request, createContext(request))
}

describe('file responses build their Web body only when it is read', () => {
  test('the stream is made on first read, once', async () => {
    let made = 0
    const response = lazyBodyResponse(
      () => {
        made++
        return new Blob(['abc']).stream()
      },
      { status: 201, headers: [['x-a', '1']] },
    )
    expect(response).toBeInstanceOf(Response)
    expect(response.status).toBe(201)
    expect(response.headers.get('x-a')).toBe('1')
    expect(made).toBe(0)
    expect(response.bodyUsed).toBe(false)
    expect(knownBody(response)).toBeUndefined() // a stream: no known body for filters
    expect(response.body).not.toBeNull()
    expect(made).toBe(1)
    expect(await response.text()).toBe('abc')
    expect(response.bodyUsed).toBe(true)
    expect(made).toBe(1)
  })

  test('every way of reading a file response gives the file', async () => {
    const expected = new Uint8Array(data)
    expect(new Uint8Array(await (await get()).arrayBuffer())).toEqual(expected)
    const withBytes = (await get()) as Response & { bytes(): Promise<Uint8Array> }
    expect(await withBytes.bytes()).toEqual(expected)
    expect(new Uint8Array(await (await (await get()).blob()).arrayBuffer())).toEqual(expected)
    const reader = (await get()).body!.getReader()
    let length = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      length += value.length
    }
    expect(length).toBe(data.length)
    const original = await get()
    const copy = original.clone()
    expect(new Uint8Array(await copy.arrayBuffer())).toEqual(expected)
    expect(new Uint8Array(await original.arrayBuffer())).toEqual(expected)
    // rewrapping, as filters do
    const rewrapped = new Response((await get()).body, { status: 200 })
    expect((await rewrapped.arrayBuffer()).byteLength).toBe(data.length)
  })

  test('a range is a 206 with only its bytes; headers stay mutable', async () => {
    const response = await get({ headers: { range: 'bytes=10-19' } })
    expect(response.status).toBe(206)
    response.headers.set('x-filter', 'yes')
    expect(response.headers.get('x-filter')).toBe('yes')
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(
      new Uint8Array(data.subarray(10, 20)),
    )
  })
})
