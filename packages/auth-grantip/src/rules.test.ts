import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { compileRules, grantRulesFromConfig, mergeRoles } from './rules.js'

const apply = compileRules([
  { match: ['127.0.0.1', '::1'], roles: ['system'] },
  { match: '192.168.0.0/24', roles: ['editor'] },
  { match: '192.168.0.7', user: 'joe' },
  { match: '192.168.0.10', user: null, roles: ['-editor'] },
  { match: '2001:db8::/32', user: 'v6', roles: ['lab'] },
  { match: '::ffff:10.0.0.0/104', roles: ['mapped-net'] },
])

describe('compileRules', () => {
  test.each([
    ['127.0.0.1', undefined, ['system'], []],
    ['::1', undefined, ['system'], []],
    ['192.168.0.7', 'joe', ['editor'], []],
    ['::ffff:192.168.0.7', 'joe', ['editor'], []],
    ['192.168.0.10', null, ['editor'], ['editor']],
    ['192.168.1.7', undefined, [], []],
    ['2001:db8:1::5', 'v6', ['lab'], []],
    ['[2001:db8::1]', 'v6', ['lab'], []],
    ['2001:db9::1', undefined, [], []],
    ['10.200.0.1', undefined, ['mapped-net'], []],
  ])('%s', (address, user, add, revoke) => {
    expect(apply(address)).toEqual({ user, add, revoke })
  })

  test('a removal wins over a user granted by another rule, whatever the order', () => {
    const a = compileRules([
      { match: '10.0.0.1', user: null },
      { match: '10.0.0.0/8', user: 'bob' },
    ])
    expect(a('10.0.0.1').user).toBeNull()
    const b = compileRules([
      { match: '10.0.0.0/8', user: 'bob' },
      { match: '10.0.0.1', user: null },
    ])
    expect(b('10.0.0.1').user).toBeNull()
    expect(b('10.0.0.2').user).toBe('bob')
  })

  test.each([
    [[{ match: '10.0.0.0/33' }], /rules\[0\]: not an IP address or network: 10.0.0.0\/33/],
    [[{ match: 'example.com' }], /not an IP address/],
    [[{ match: [] }], /rules\[0\]\.match must list/],
    [[{ match: '::1' }, { match: '::1', user: '' }], /rules\[1\]\.user/],
    [[{ match: '::1', roles: ['a,b'] }], /roles: not a role name/],
    [[{ match: '::1', roles: [''] }], /roles: not a role name/],
  ])('bad configuration %j is a TypeError naming the rule', (rules, message) => {
    expect(() => compileRules(rules as never)).toThrow(TypeError)
    expect(() => compileRules(rules as never)).toThrow(message)
  })

  test('hostile addresses never throw and match nothing unless they parse', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (address) => {
        const grant = apply(address)
        expect(Array.isArray(grant.add)).toBe(true)
      }),
    )
    for (const hostile of [
      '',
      ' 127.0.0.1',
      '127.0.0.1 ',
      '127.0.0.1\n',
      '0x7f.0.0.1',
      '127.1',
      '::1::',
      'x'.repeat(100_000),
    ])
      expect(apply(hostile)).toEqual({ user: undefined, add: [], revoke: [] })
  })
})

describe('mergeRoles', () => {
  test('adds without duplicates, revocations win, result is frozen', () => {
    const roles = mergeRoles(['a', 'b'], {
      user: undefined,
      add: ['b', 'c', 'd'],
      revoke: ['a', 'd'],
    })
    expect(roles).toEqual(['b', 'c'])
    expect(Object.isFrozen(roles)).toBe(true)
  })
})

describe('grantRulesFromConfig', () => {
  test("reads Paste's [filter:grant] style", () => {
    const rules = grantRulesFromConfig({
      '127.0.0.1': '-:system',
      '192.168.0.0/24': '-:editor, viewer',
      '192.168.0.7': 'joe',
      '192.168.0.10': '__remove__:-editor',
      '10.0.0.1': 'ann:-',
    })
    expect(rules).toEqual([
      { match: '127.0.0.1', roles: ['system'] },
      { match: '192.168.0.0/24', roles: ['editor', 'viewer'] },
      { match: '192.168.0.7', user: 'joe' },
      { match: '192.168.0.10', user: null, roles: ['-editor'] },
      { match: '10.0.0.1', user: 'ann' },
    ])
    const apply = compileRules(rules)
    expect(apply('192.168.0.10')).toEqual({
      user: null,
      add: ['editor', 'viewer'],
      revoke: ['editor'],
    })
  })

  test('malformed entries surface when compiled', () => {
    expect(() => compileRules(grantRulesFromConfig({ 'not-an-ip': 'joe' }))).toThrow(
      /not an IP address/,
    )
    expect(() => compileRules(grantRulesFromConfig({ '::1': '-:a,,b' }))).toThrow(/not a role name/)
    expect(() => grantRulesFromConfig({ '::1': 42 as never })).toThrow(/value must be a string/)
  })
})
