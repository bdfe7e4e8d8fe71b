import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { FastResponse, knownBody, NativeResponseClass } from './index.js'
import { isFastResponse } from './response.js'

const Native = NativeResponseClass

describe('FastResponse behaves as a Response', () => {
  test('is an instance of Response and reports its fields without building one', () => {
    const response = new FastResponse('hi', { status: 201, headers: { 'x-a': '1' } })
    expect(response).toBeInstanceOf(Native)
    expect(Object.prototype.toString.call(response)).toBe('[object Response]')
    expect(isFastResponse(response)).toBe(true)
    expect(response.status).toBe(201)
    expect(response.ok).toBe(true)
    expect(response.headers.get('x-a')).toBe('1')
    expect(response.headers.get('content-type')).toBe('text/plain;charset=UTF-8')
    expect(isFastResponse(response)).toBe(true)
  })

  test("an empty statusText (a middleware copying a Response's init) stays on the fast path", () => {
    const copied = new FastResponse('zipped', { status: 200, statusText: '', headers: {} })
    expect(knownBody(copied)).toBe('zipped') // written straight to the socket
    expect(copied.statusText).toBe('')
    // a real reason phrase needs the native class (the server writes it)
    const custom = new FastResponse('x', { status: 200, statusText: 'Fine' })
    expect(knownBody(custom)).toBeUndefined()
    expect(custom.statusText).toBe('Fine')
  })

  test('body methods give what the native class gives', async () => {
    const bytes = new Uint8Array([1, 2, 3])
    expect(await new FastResponse('héllo').text()).toBe('héllo')
    expect(new Uint8Array(await new FastResponse(bytes).arrayBuffer())).toEqual(bytes)
    expect(await new FastResponse('{"a":1}').json()).toEqual({ a: 1 })
    expect(await new FastResponse(null).text()).toBe('')
    const response = new FastResponse('once')
    await response.text()
    expect(response.bodyUsed).toBe(true)
    await expect(response.text()).rejects.toThrow(TypeError)
  })

  test('clone, body stream and headers mutation survive materialisation', async () => {
    const response = new FastResponse('abc')
    response.headers.set('x-late', 'yes')
    const copy = response.clone()
    expect(copy).toBeInstanceOf(Native)
    expect(copy.headers.get('x-late')).toBe('yes')
    expect(await copy.text()).toBe('abc')
    const reader = response.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('abc')
    expect(response.headers.get('x-late')).toBe('yes')
  })

  test('validates status like the native constructor', () => {
    expect(() => new FastResponse('x', { status: 99 })).toThrow(RangeError)
    expect(() => new FastResponse('x', { status: 600 })).toThrow(RangeError)
    expect(() => new FastResponse('x', { status: 204 })).toThrow(TypeError)
    expect(() => new FastResponse('x', { status: 304 })).toThrow(TypeError)
    expect(new FastResponse(null, { status: 204 }).status).toBe(204)
  })

  test('copies a Headers init, as the native class does', () => {
    const headers = new Headers({ a: '1' })
    const response = new FastResponse('x', { headers })
    headers.set('a', '2')
    expect(response.headers.get('a')).toBe('1')
  })

  test('streams and blobs are handed to the native class at once', async () => {
    const stream = new FastResponse(new Blob(['blob']))
    expect(isFastResponse(stream)).toBe(false)
    expect(await stream.text()).toBe('blob')
  })

  test('Response.json gives a FastResponse with the JSON type, and keeps given headers', async () => {
    const response = FastResponse.json({ a: [1] }, { status: 202, headers: { 'x-b': '2' } })
    expect(isFastResponse(response)).toBe(true)
    expect(response.status).toBe(202)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('x-b')).toBe('2')
    expect(await response.json()).toEqual({ a: [1] })
    expect(() => FastResponse.json(undefined)).toThrow(TypeError)
  })

  test('static redirect and error still work', () => {
    expect(FastResponse.redirect('http://a.test/', 302).headers.get('location')).toBe(
      'http://a.test/',
    )
    expect(FastResponse.error().type).toBe('error')
  })

  test('property: same status, headers and text as a native Response', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.integer({ min: 200, max: 599 }).filter((s) => ![204, 205, 304].includes(s)),
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.stringMatching(/^[ -~]*$/)),
        async (body, status, headers) => {
          const fast = new FastResponse(body, { status, headers })
          const native = new Native(body, { status, headers })
          expect(fast.status).toBe(native.status)
          expect([...fast.headers]).toEqual([...native.headers])
          expect(await fast.text()).toBe(await native.text())
        },
      ),
      { numRuns: 100 },
    )
  })
})

describe('knownBody', () => {
  test('gives the string, bytes or null a FastResponse holds, undefined otherwise', async () => {
    expect(knownBody(new FastResponse('abc'))).toBe('abc')
    expect(knownBody(new FastResponse(new Uint8Array([1])))).toEqual(new Uint8Array([1]))
    expect(knownBody(new FastResponse(new Uint8Array([2]).buffer))).toEqual(new Uint8Array([2]))
    expect(knownBody(new FastResponse(null))).toBeNull()
    expect(knownBody(new FastResponse())).toBeNull()
    expect(knownBody(new Native('abc'))).toBeUndefined()
    const touched = new FastResponse('abc')
    await touched.text()
    expect(knownBody(touched)).toBeUndefined()
  })
})
