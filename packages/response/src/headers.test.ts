import { describe, expect, test } from 'vitest'
import {
  addVary,
  appendHeader,
  hasHeader,
  mutableResponse,
  removeHeader,
  replaceHeader,
} from './headers.js'

describe('mutableResponse', () => {
  test('returns the same response when its headers are mutable', () => {
    const r = new Response('x')
    expect(mutableResponse(r)).toBe(r)
  })
  test('copies a response with immutable headers, moving the body', async () => {
    const upstream = new Response('body', { status: 201, statusText: 'Made', headers: { a: '1' } })
    const frozen = Response.redirect('http://h/', 302)
    const copy = mutableResponse(frozen)
    expect(copy).not.toBe(frozen)
    expect([copy.status, copy.headers.get('location')]).toEqual([302, 'http://h/'])
    copy.headers.set('x', 'y')
    expect(mutableResponse(upstream)).toBe(upstream)
    expect(await upstream.text()).toBe('body')
  })
  test('Response.error() is returned as is', () => {
    const e = Response.error()
    expect(mutableResponse(e)).toBe(e)
  })
})

describe('has/replace/remove/append (ported from paste tests/test_response.py)', () => {
  test('on Headers, case-insensitive', () => {
    const h = new Headers({ 'Content-Type': 'text/html', 'X-A': '1' })
    expect(hasHeader(h, 'content-type')).toBe(true)
    expect(hasHeader(h, 'x-missing')).toBe(false)
    expect(replaceHeader(h, 'CONTENT-TYPE', 'text/plain')).toBe(h)
    expect(h.get('content-type')).toBe('text/plain')
    removeHeader(h, 'x-a')
    expect(h.has('x-a')).toBe(false)
    appendHeader(h, 'link', '<a>')
    appendHeader(h, 'link', '<b>')
    expect(h.get('link')).toBe('<a>, <b>')
  })
  test('Set-Cookie lists stay separate', () => {
    const h = new Headers()
    h.append('set-cookie', 'old=1')
    replaceHeader(h, 'set-cookie', ['a=1; Expires=Wed, 02 Jan 2030 03:04:05 GMT', 'b=2'])
    expect(h.getSetCookie()).toEqual(['a=1; Expires=Wed, 02 Jan 2030 03:04:05 GMT', 'b=2'])
  })
  test('on an immutable response, a mutable copy is returned', () => {
    const frozen = Response.redirect('http://h/', 301)
    const replaced = replaceHeader(frozen, 'cache-control', 'no-store')
    expect(replaced).not.toBe(frozen)
    expect(replaced.headers.get('cache-control')).toBe('no-store')
    expect(removeHeader(frozen, 'x-absent')).toBe(frozen)
    const removed = removeHeader(frozen, 'location')
    expect(removed.headers.has('location')).toBe(false)
    expect(frozen.headers.has('location')).toBe(true)
  })
  test('invalid values throw the TypeError of Headers (no header injection)', () => {
    expect(() => replaceHeader(new Headers(), 'x', 'a\r\nb: c')).toThrow(TypeError)
    expect(() => replaceHeader(new Headers(), 'bad name', 'v')).toThrow(TypeError)
  })
})

describe('addVary', () => {
  test('adds once, keeps *, keeps order', () => {
    const h = new Headers({ vary: 'Accept' })
    addVary(h, 'accept-encoding', 'Accept')
    expect(h.get('vary')).toBe('Accept, accept-encoding')
    addVary(h, 'Accept-Encoding')
    expect(h.get('vary')).toBe('Accept, accept-encoding')
    const star = new Headers({ vary: '*' })
    addVary(star, 'Cookie')
    expect(star.get('vary')).toBe('*')
    const frozen = Response.redirect('http://h/', 302)
    expect(addVary(frozen, 'Cookie').headers.get('vary')).toBe('Cookie')
  })
})
