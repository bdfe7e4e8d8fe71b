import { describe, expect, test } from 'vitest'
import { negotiate } from './negotiate.js'

const FORMATS = ['text/html', 'application/json', 'text/plain']

describe('negotiate', () => {
  test.each([
    [null, 'text/html'],
    ['', 'text/html'],
    ['*/*', 'text/html'],
    ['text/plain', 'text/plain'],
    ['application/json', 'application/json'],
    ['application/json, */*', 'application/json'],
    ['text/*', 'text/html'],
    ['text/*;q=0.5, application/json', 'application/json'],
    ['text/html;q=0, */*', 'application/json'],
    ['TEXT/PLAIN', 'text/plain'],
    ['text/html;level=1;q=0.2, text/plain;q=0.9', 'text/plain'],
    ['image/png', undefined],
    ['*/*;q=0', undefined],
    ['text/html;q=2', undefined], // an invalid qvalue counts as 0
    ['garbage, /, */x', undefined],
  ])('%j -> %j', (accept, expected) => {
    expect(negotiate(accept, FORMATS)).toBe(expected)
  })
})
