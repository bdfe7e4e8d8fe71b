import { describe, expect, test } from 'vitest'
import { addressMatcher, inCidr, parseCidr, parseIp } from './ip.js'

describe('parseIp', () => {
  test.each([
    ['127.0.0.1', [127, 0, 0, 1]],
    ['::ffff:10.1.2.3', [10, 1, 2, 3]],
    ['[::ffff:a01:203]', [10, 1, 2, 3]],
  ])('%s', (text, bytes) => {
    expect([...parseIp(text)!]).toEqual(bytes)
  })
  test('IPv6 forms', () => {
    expect(parseIp('::1')?.length).toBe(16)
    expect(parseIp('fe80::1%eth0')?.length).toBe(16)
    expect([...parseIp('2001:db8::')!].slice(0, 4)).toEqual([0x20, 0x01, 0x0d, 0xb8])
  })
  test.each([
    '',
    '1.2.3',
    '256.1.1.1',
    '01.1.1.1',
    '1::2::3',
    ':::',
    'x',
    '1:2:3:4:5:6:7:8:9',
    '1.2.3.4.5',
  ])('rejects %j', (text) => expect(parseIp(text)).toBeNull())
})

describe('CIDR', () => {
  test('v4, v6 and mapped networks', () => {
    expect(inCidr(parseIp('10.9.8.7')!, parseCidr('10.0.0.0/8')!)).toBe(true)
    expect(inCidr(parseIp('11.0.0.1')!, parseCidr('10.0.0.0/8')!)).toBe(false)
    expect(inCidr(parseIp('2001:db8::5')!, parseCidr('2001:db8::/32')!)).toBe(true)
    expect(inCidr(parseIp('::ffff:192.168.1.1')!, parseCidr('192.168.0.0/16')!)).toBe(true)
    expect(inCidr(parseIp('192.168.1.1')!, parseCidr('::ffff:192.168.0.0/112')!)).toBe(true)
    expect(inCidr(parseIp('10.0.0.1')!, parseCidr('::/0')!)).toBe(false)
    expect(parseCidr('10.0.0.0/33')).toBeNull()
    expect(parseCidr('10.0.0.0/x')).toBeNull()
  })
  test('addressMatcher names the bad entry', () => {
    expect(() => addressMatcher(['10.0.0.0/8', 'nope'])).toThrow(/nope/)
    expect(addressMatcher(['::1', '10.0.0.0/8'])('::ffff:10.0.0.1')).toBe(true)
  })
})
