import { describe, expect, test } from 'vitest'
import { memoryCasStore } from './store.js'

const record = (ticket: string, expires = Number.POSITIVE_INFINITY) => ({
  user: 'u',
  attributes: {},
  ticket,
  expires,
})

describe('memoryCasStore', () => {
  test('finds logins by id, ends them by id or by ticket', () => {
    const store = memoryCasStore()
    store.set('a', record('ST-a'))
    store.set('b', record('ST-b'))
    expect(store.get('a')).toMatchObject({ ticket: 'ST-a' })
    expect(store.deleteByTicket('ST-a')).toBe(true)
    expect(store.deleteByTicket('ST-a')).toBe(false)
    expect(store.get('a')).toBeUndefined()
    store.delete('b')
    expect(store.get('b')).toBeUndefined()
    expect(store.deleteByTicket('ST-b')).toBe(false)
  })

  test('is bounded: the oldest logins go first', () => {
    const store = memoryCasStore({ maxLogins: 3 })
    for (let i = 0; i < 10; i++) store.set(`id${i}`, record(`ST-${i}`))
    expect([0, 1, 6].map((i) => store.get(`id${i}`))).toEqual([undefined, undefined, undefined])
    expect(store.get('id9')).toBeDefined()
    expect(store.deleteByTicket('ST-0')).toBe(false)
    expect(store.deleteByTicket('ST-8')).toBe(true)
  })

  test('expired logins are not returned', () => {
    let now = 1000
    const store = memoryCasStore({ now: () => now })
    store.set('a', record('ST-a', 2000))
    expect(store.get('a')).toBeDefined()
    now = 2000
    expect(store.get('a')).toBeUndefined()
  })

  test('proxy-granting tickets are taken once, before they expire, and bounded', () => {
    let now = 0
    const store = memoryCasStore({ now: () => now, pendingTtl: 100, maxPending: 2 })
    store.putProxyGrantingTicket('PGTIOU-1', 'PGT-1')
    expect(store.takeProxyGrantingTicket('PGTIOU-1')).toBe('PGT-1')
    expect(store.takeProxyGrantingTicket('PGTIOU-1')).toBeUndefined()
    store.putProxyGrantingTicket('PGTIOU-2', 'PGT-2')
    now = 100
    expect(store.takeProxyGrantingTicket('PGTIOU-2')).toBeUndefined()
    for (let i = 0; i < 5; i++) store.putProxyGrantingTicket(`PGTIOU-x${i}`, `PGT-${i}`)
    expect(store.takeProxyGrantingTicket('PGTIOU-x0')).toBeUndefined()
    expect(store.takeProxyGrantingTicket('PGTIOU-x4')).toBe('PGT-4')
  })

  test('bad limits are TypeErrors', () => {
    expect(() => memoryCasStore({ maxLogins: 0 })).toThrow(/maxLogins/)
  })
})
