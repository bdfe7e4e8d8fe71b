import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { decodeCookieValue, encodeCookieValue } from './cookie-value.js'
import {
  cookieValueLength,
  createTicket,
  parseTicket,
  quoteUserid,
  type TicketDigest,
} from './ticket.js'

interface Vector {
  secret: string
  userid: string
  ip: string
  tokens: string[]
  user_data: string
  time: number
  digest: TicketDigest
  ticket: string
}
const vectors: Vector[] = JSON.parse(
  readFileSync(new URL('../../../../shared/vectors/auth-tkt.json', import.meta.url), 'utf8'),
).vectors

describe('mod_auth_tkt ticket vectors (shared/vectors/auth-tkt.json)', () => {
  test('there are vectors for every digest', () => {
    expect(new Set(vectors.map((v) => v.digest))).toEqual(new Set(['md5', 'sha256', 'sha512']))
  })

  test.each(
    vectors.map((v) => [`${v.digest} ${v.userid} ${v.ip}`, v] as const),
  )('%s: produced identically', async (_n, v) => {
    const ticket = await createTicket({
      secret: v.secret,
      userid: v.userid,
      ip: v.ip,
      tokens: v.tokens,
      userData: v.user_data,
      time: v.time,
      digest: v.digest,
    })
    expect(ticket).toBe(v.ticket)
  })

  test.each(
    vectors.map((v) => [`${v.digest} ${v.userid} ${v.ip}`, v] as const),
  )('%s: parsed identically', async (_n, v) => {
    expect(await parseTicket(v.secret, v.ticket, v.ip, v.digest)).toEqual({
      userid: v.userid,
      tokens: v.tokens,
      userData: v.user_data,
      time: v.time,
    })
    // and through the cookie encodings mod_auth_tkt accepts
    expect(decodeCookieValue(encodeCookieValue(v.ticket))).toBe(v.ticket)
    expect(decodeCookieValue(`"${v.ticket}"`)).toBe(v.ticket)
    // the wrong IP, secret, digest or a changed field fails
    expect(await parseTicket(v.secret, v.ticket, '10.9.9.9', v.digest)).toBeUndefined()
    expect(await parseTicket(`${v.secret}x`, v.ticket, v.ip, v.digest)).toBeUndefined()
    expect(await parseTicket(v.secret, v.ticket.replace(/!/, 'x!'), v.ip, v.digest)).toBeUndefined()
  })
})

describe('tickets', () => {
  // Paste's own tests/test_auth/test_auth_tkt.py
  test("Paste's test values", async () => {
    const base = {
      secret: 'shared_secret',
      userid: 'username',
      ip: '0.0.0.0',
      tokens: ['admin'],
      time: 1579782607,
    }
    expect(await createTicket(base)).toBe('731274bec45f6983c1f33bac8e8baf435e2991cfusername!admin!')
    expect(await createTicket({ ...base, digest: 'sha512' })).toBe(
      '09e72a63c57ca4cfeca5fa578646deb2b27f7a461d91ad9aa32b85c93ef6fa7744ac006eb3d9a71a36375b5ab50cbae072bb3042e2a59198b7f314900cba44235e2991cfusername!admin!',
    )
  })

  test('IPv4-mapped addresses bind like the IPv4 address; IPv6 binds to all 16 bytes', async () => {
    const base = { secret: 's', userid: 'u', time: 1_700_000_000, digest: 'sha256' as const }
    const v4 = await createTicket({ ...base, ip: '10.0.0.7' })
    expect(await createTicket({ ...base, ip: '::ffff:10.0.0.7' })).toBe(v4)
    expect(await parseTicket('s', v4, '::ffff:10.0.0.7', 'sha256')).toBeDefined()
    const v6 = await createTicket({ ...base, ip: '2001:db8::1' })
    expect(await parseTicket('s', v6, '2001:db8::1', 'sha256')).toBeDefined()
    expect(await parseTicket('s', v6, '2001:db8::2', 'sha256')).toBeUndefined()
    expect(await parseTicket('s', v6, '0.0.0.0', 'sha256')).toBeUndefined()
    await expect(createTicket({ ...base, ip: 'not-an-ip' })).rejects.toThrow(TypeError)
    expect(await parseTicket('s', v4, 'garbage', 'sha256')).toBeUndefined()
  })

  test('accepts tickets digested over the quoted user id (how mod_auth_tkt refreshes them)', async () => {
    // mod_auth_tkt digests the user id exactly as it appears in the ticket
    const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex')
    const quoted = quoteUserid('jane doe')
    const head = Buffer.concat([Buffer.from([127, 0, 0, 1]), Buffer.from('6553f100', 'hex')])
    const inner = md5(Buffer.concat([head, Buffer.from(`k${quoted}\0\0`)]))
    const digest = md5(Buffer.from(`${inner}k`))
    const ticket = `${digest}6553f100${quoted}!`
    expect(await parseTicket('k', ticket, '127.0.0.1', 'md5')).toMatchObject({ userid: 'jane doe' })
  })

  test('cookieValueLength predicts the base64 cookie length exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.array(fc.stringMatching(/^[a-z\u00e9]{1,5}$/), { maxLength: 3 }),
        fc.stringMatching(/^[a-z \u00fc{}:]{0,40}$/),
        fc.constantFrom<TicketDigest>('md5', 'sha256', 'sha512'),
        async (userid, tokens, userData, digest) => {
          const ticket = await createTicket({
            secret: 'k',
            userid,
            ip: '1.2.3.4',
            tokens,
            userData,
            digest,
          })
          expect(encodeCookieValue(ticket).length).toBe(
            cookieValueLength(userid, tokens, userData, digest),
          )
        },
      ),
      { numRuns: 100 },
    )
  })

  test('quoteUserid matches Python quote()', () => {
    expect(quoteUserid('jane doe@example.com')).toBe('jane%20doe%40example.com')
    expect(quoteUserid('a/b_c.d-e~f!')).toBe('a/b_c.d-e~f%21')
    expect(quoteUserid('ümlaut')).toBe('%C3%BCmlaut')
  })

  test('refuses input that cannot round-trip', async () => {
    const base = { secret: 's', userid: 'u', ip: '0.0.0.0' }
    await expect(createTicket({ ...base, tokens: ['a,b'] })).rejects.toThrow(/token/)
    await expect(createTicket({ ...base, tokens: ['a!'] })).rejects.toThrow(/token/)
    await expect(createTicket({ ...base, userData: 'x!y' })).rejects.toThrow(/userData/)
    await expect(createTicket({ ...base, userData: 'x\ny' })).rejects.toThrow(/userData/)
    await expect(createTicket({ ...base, userid: '' })).rejects.toThrow(/userid/)
    await expect(createTicket({ ...base, userData: '{"a":"b"' })).rejects.toThrow(/quote/)
    expect(await createTicket({ ...base, tokens: ['t'], userData: 'x!y', time: 1 })).toMatch(
      /u!t!x!y$/,
    )
  })

  test('round-trips arbitrary users, tokens and data', async () => {
    const token = fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((t) => /^[^,!\u0000-\u001f\u007f]+$/.test(t))
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
        fc.array(token, { maxLength: 3 }),
        fc
          .string({ maxLength: 20 })
          .map((s) => s.replace(/[!\u0000-\u001f\u007f]/g, '').replace(/"+$/, '')),
        fc.constantFrom<TicketDigest>('md5', 'sha256', 'sha512'),
        async (userid, tokens, userData, digest) => {
          const ticket = await createTicket({
            secret: 'k',
            userid,
            ip: '1.2.3.4',
            tokens,
            userData,
            time: 5,
            digest,
          })
          const cookie = decodeCookieValue(encodeCookieValue(ticket))!
          expect(await parseTicket('k', cookie, '1.2.3.4', digest)).toEqual({
            userid,
            tokens,
            userData,
            time: 5,
          })
        },
      ),
      { numRuns: 60 },
    )
  })

  test('hostile tickets and cookie values never throw and never verify', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (s) => {
        const decoded = decodeCookieValue(s)
        expect(await parseTicket('k', decoded ?? s, '1.2.3.4', 'md5')).toBeUndefined()
        expect(
          await parseTicket('k', `${'0'.repeat(32)}00000000${s}`, '1.2.3.4', 'md5'),
        ).toBeUndefined()
      }),
      { numRuns: 300 },
    )
    for (const s of [
      '',
      '!',
      '%21',
      '%E0%A4%A',
      'AAAA',
      `${'a'.repeat(32)}zzzzzzzzuser!`,
      `${'a'.repeat(32)}00000000%ZZ!`,
    ]) {
      expect(await parseTicket('k', s, '1.2.3.4', 'md5')).toBeUndefined()
    }
    expect(decodeCookieValue('x'.repeat(9000))).toBeUndefined()
  })
})
