import { FastResponse } from '@paste/httpserver'
import { describe, expect, test } from 'vitest'
import { knownBody, peekBody } from './body.js'

describe('knownBody: the string or bytes a lazy FastResponse still holds', () => {
  test('string and bytes bodies are found without building a stream', () => {
    expect(knownBody(new FastResponse('hello'))).toBe('hello')
    const bytes = new Uint8Array([1, 2, 3])
    expect(knownBody(new FastResponse(bytes))).toBe(bytes)
  })
  test('anything else falls back to the stream path', () => {
    const materialized = new FastResponse('hello')
    void materialized.body // builds the native Response: the body has moved
    expect(knownBody(materialized)).toBeUndefined()
    expect(knownBody(new Response('native'))).toBeUndefined()
    expect(knownBody(new FastResponse(new ReadableStream()))).toBeUndefined()
  })
})

describe('peekBody', () => {
  test('a body that closes at once is complete', async () => {
    const peeked = await peekBody(new Response('abc').body!, 1 << 20, true)
    expect(peeked.complete && new TextDecoder().decode(peeked.bytes)).toBe('abc')
  })
  test('a live stream is not waited for', async () => {
    let pull = 0
    const stream = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (pull++ === 0) c.enqueue(new Uint8Array([1]))
        else await new Promise(() => {}) // never produces again
      },
    })
    const peeked = await peekBody(stream, 1 << 20, true)
    expect(peeked.complete).toBe(false)
    if (!peeked.complete) expect(peeked.taken).toHaveLength(1)
  })
  test('past maxBuffer the body streams', async () => {
    const peeked = await peekBody(new Response(new Uint8Array(100)).body!, 10, true)
    expect(peeked.complete).toBe(false)
  })
})
