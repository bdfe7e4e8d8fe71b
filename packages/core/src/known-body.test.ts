import { describe, expect, test } from 'vitest'
import { KNOWN_BODY, knownBody } from './known-body.js'

describe('knownBody', () => {
  test('a native Response offers nothing', () => {
    expect(knownBody(new Response('x'))).toBeUndefined()
  })
  test('a Response implementing KNOWN_BODY is read through it, with itself as this', () => {
    const response = Object.assign(new Response('ignored'), {
      held: 'hello',
      [KNOWN_BODY](this: { held: string }) {
        return this.held
      },
    })
    expect(knownBody(response)).toBe('hello')
  })
  test('the symbol is shared across copies of the package', () => {
    expect(KNOWN_BODY).toBe(Symbol.for('@paste/core.knownBody'))
  })
})
