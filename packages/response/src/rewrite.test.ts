import { type App, HTTP_ERROR, silentLogger } from '@paste/core'
import { getCookie } from '@paste/request'
import { matrix } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { interceptResponse, rewriteResponse } from './rewrite.js'
import { setCookie } from './set-cookie.js'

describe('rewriteResponse', () => {
  test('status, statusText, header function, body; content-length dropped', async () => {
    const original = new Response('old body', {
      status: 200,
      headers: { 'content-length': '8', 'x-a': '1', 'set-cookie': 'a=1' },
    })
    original.headers.append('set-cookie', 'b=2')
    const r = rewriteResponse(original, {
      status: 404,
      body: 'new',
      headers: (h) => h.set('x-b', '2'),
    })
    expect([r.status, r.statusText, r.headers.get('x-a'), r.headers.get('x-b')]).toEqual([
      404,
      '',
      '1',
      '2',
    ])
    expect(r.headers.has('content-length')).toBe(false)
    expect(r.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(await r.text()).toBe('new')
  })
  test('a header editor may set a new Content-Length for a new body', async () => {
    const r = rewriteResponse(new Response('old', { headers: { 'content-length': '3' } }), {
      body: 'newer',
      headers: (h) => h.set('content-length', '5'),
    })
    expect(r.headers.get('content-length')).toBe('5')
    expect(await r.text()).toBe('newer')
  })
  test('a complete header set replaces every old header', () => {
    const r = rewriteResponse(new Response('x', { headers: { 'x-old': '1' } }), {
      headers: { 'x-new': '2' },
    })
    expect([r.headers.has('x-old'), r.headers.get('x-new')]).toEqual([false, '2'])
  })
  test('the body is moved, not read, when kept; statusText kept with the same status', async () => {
    const original = new Response('stream me', { status: 202, statusText: 'Queued' })
    const r = rewriteResponse(original, { headers: (h) => h.set('x', '1') })
    expect([r.status, r.statusText]).toEqual([202, 'Queued'])
    expect(await r.text()).toBe('stream me')
  })
  test('a null-body status drops and cancels the old body', async () => {
    let cancelled = false
    const body = new ReadableStream({
      pull: (c) => c.enqueue(new Uint8Array(1)),
      cancel: () => {
        cancelled = true
      },
    })
    const r = rewriteResponse(new Response(body), { status: 304 })
    expect(r.status).toBe(304)
    expect(r.body).toBeNull()
    await Promise.resolve()
    expect(cancelled).toBe(true)
  })
  test('works on a response with immutable headers', () => {
    const r = rewriteResponse(Response.redirect('http://h/a', 302), {
      headers: (h) => h.set('location', '/b'),
    })
    expect(r.headers.get('location')).toBe('/b')
  })
  test('an invalid status throws', () => {
    expect(() => rewriteResponse(new Response('x'), { status: 99 })).toThrow(RangeError)
  })
})

const teapot = {
  [HTTP_ERROR]: true as const,
  status: 418,
  expose: true,
  toResponse: () => new Response('short and stout', { status: 418 }),
}

const app: App = (request, context) => {
  const url = new URL(request.url)
  if (url.pathname === '/throw-http') throw teapot
  if (url.pathname === '/throw') throw new Error('secret')
  if (url.pathname === '/redirect') return Response.redirect(`${context.origin}/next`, 302)
  if (url.pathname === '/who')
    return new Response(`hello ${getCookie(request, 'user') ?? 'nobody'}`)
  const response = new Response('<p>hello</p>', { headers: { 'content-type': 'text/html' } })
  setCookie(response.headers, 'a', '1', { httpOnly: true })
  setCookie(response.headers, 'b', '2', { expires: new Date('2030-01-02T03:04:05Z') })
  return response
}

const shout = () =>
  interceptResponse(app, async (response, request, context) => {
    expect(request).toBeInstanceOf(Request)
    expect(context.pathInfo).toMatch(/^\//)
    if (!response.headers.get('content-type')?.startsWith('text/html'))
      return rewriteResponse(response, {
        headers: (h) => h.set('x-intercepted', String(response.status)),
      })
    const text = await response.text()
    return rewriteResponse(response, { status: 203, body: text.toUpperCase() })
  })

matrix(
  'interceptResponse rewrites status, headers and body of another app',
  shout,
  async (fetch) => {
    const r = await fetch('/')
    expect(r.status).toBe(203)
    expect(await r.text()).toBe('<P>HELLO</P>')
    // Set-Cookie values survive the rewrite separately, as Node's fetch sees them on the wire
    expect(r.headers.getSetCookie()).toEqual([
      'a=1; Path=/; HttpOnly',
      'b=2; Path=/; Expires=Wed, 02 Jan 2030 03:04:05 GMT',
    ])
    const redirect = await fetch('/redirect', { redirect: 'manual' })
    expect([redirect.status, redirect.headers.get('x-intercepted')]).toEqual([302, '302'])
    expect(redirect.headers.get('location')).toMatch(/\/next$/)
  },
)

matrix(
  'interceptResponse sees thrown HTTP errors; other errors stay 500s',
  shout,
  async (fetch) => {
    const r = await fetch('/throw-http')
    expect([r.status, r.headers.get('x-intercepted'), await r.text()]).toEqual([
      418,
      '418',
      'short and stout',
    ])
    const crash = await fetch('/throw').catch(() => undefined)
    if (crash) {
      expect(crash.status).toBe(500)
      expect(await crash.text()).not.toContain('secret')
    }
  },
  { only: 'loopback', logger: silentLogger },
)

matrix(
  'cookies set by an app come back from the client',
  () => app,
  async (fetch) => {
    const first = await fetch('/')
    const jar = first.headers.getSetCookie().map((c) => c.split(';')[0])
    expect(jar).toEqual(['a=1', 'b=2'])
    const who = await fetch('/who', { headers: { cookie: `user=ada; ${jar.join('; ')}` } })
    expect(await who.text()).toBe('hello ada')
  },
)

test('interceptResponse returns a named App and rethrows non-HTTP errors', async () => {
  const wrapped = interceptResponse(
    () => {
      throw new Error('boom')
    },
    (r) => r,
  )
  expect(wrapped.name).toBe('intercepted')
  const { createContext } = await import('@paste/core')
  const request = new Request('http://h/')
  await expect(wrapped(request, createContext(request))).rejects.toThrow('boom')
})

const upperCase = () =>
  interceptResponse(
    () => {
      let i = 0
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (i === 20) controller.close()
          else controller.enqueue(new TextEncoder().encode(`line ${i++}\n`))
        },
      })
      return new Response(body, {
        headers: { 'content-type': 'text/plain', 'content-length': '999' },
      })
    },
    (response) =>
      rewriteResponse(response, {
        body: response
          .body!.pipeThrough(new TextDecoderStream())
          .pipeThrough(
            new TransformStream<string, string>({
              transform: (chunk, controller) => controller.enqueue(chunk.toUpperCase()),
            }),
          )
          .pipeThrough(new TextEncoderStream()),
      }),
  )

matrix(
  'interceptResponse streams a rewritten body (TransformStream, no buffering)',
  upperCase,
  async (fetch) => {
    const r = await fetch('/')
    expect(r.headers.get('content-length')).toBeNull()
    const text = await r.text()
    expect(text.split('\n')[0]).toBe('LINE 0')
    expect(text.split('\n')).toHaveLength(21)
  },
)
