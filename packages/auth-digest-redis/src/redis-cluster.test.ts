import { startRedisCluster } from '@paste-tooling/testing'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { redisNonceStore } from './index.js'

let cluster: Awaited<ReturnType<typeof startRedisCluster>>
let client: Cluster

beforeAll(async () => {
  cluster = await startRedisCluster(3)
  client = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], {
    redisOptions: { commandTimeout: 2000 },
  })
}, 60_000)
afterAll(async () => {
  await client?.quit()
  await cluster?.stop()
})

describe('redisNonceStore on a real 3-master Redis Cluster', () => {
  test('nonces hashed to every master are checked atomically by the one-key script', async () => {
    const store = redisNonceStore({ client, prefix: 'c:' })
    const info = { issuedAt: Date.now(), expiresAt: Date.now() + 60_000 }
    const nonces = Array.from({ length: 30 }, (_, i) => `nonce-${i}`)
    for (const nonce of nonces) {
      expect(await store.check(nonce, 1, info)).toBe(true)
      expect(await store.check(nonce, 1, info)).toBe(false)
      expect(await store.check(nonce, 2, info)).toBe(true)
    }
    // the keys really are spread: every master holds some
    const perMaster = await Promise.all(
      client.nodes('master').map(async (node) => (await node.keys('c:*')).length),
    )
    expect(perMaster).toHaveLength(3)
    expect(perMaster.every((count) => count > 0)).toBe(true)
    expect(perMaster.reduce((a, b) => a + b, 0)).toBe(30)
  }, 30_000)
})
