import { describe, expect, test } from 'vitest'
import { peekBody } from './body.js'

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
