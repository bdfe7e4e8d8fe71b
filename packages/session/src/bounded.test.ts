import { describe, expect, test } from 'vitest'
import { bounded, StoreTimeoutError } from './errors.js'

const never = () => new Promise<never>(() => {})
const after = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms))

describe('bounded: store calls with deadlines sharing one timer', () => {
  test('calls that finish in time give their result or their error', async () => {
    await expect(bounded(() => after(5, 'ok'), 1000, 'get')).resolves.toBe('ok')
    await expect(bounded(() => Promise.reject(new Error('boom')), 1000, 'get')).rejects.toThrow(
      'boom',
    )
    await expect(
      bounded(
        () => {
          throw new Error('sync')
        },
        1000,
        'get',
      ),
    ).rejects.toThrow('sync')
  })

  test('each hung call times out at its own deadline, in deadline order, others unaffected', async () => {
    const order: string[] = []
    const started = performance.now()
    const late = bounded(never, 120, 'set').catch((e: unknown) => {
      order.push('late')
      return e
    })
    const early = bounded(never, 30, 'get').catch((e: unknown) => {
      order.push('early')
      return e
    })
    const fine = bounded(() => after(60, 'fine'), 1000, 'touch').then((v) => {
      order.push(v)
      return v
    })
    const [e1, e2, v] = await Promise.all([early, late, fine])
    expect(e1).toBeInstanceOf(StoreTimeoutError)
    expect(String((e1 as Error).message)).toMatch(/get took over 30 ms/)
    expect(e2).toBeInstanceOf(StoreTimeoutError)
    expect(v).toBe('fine')
    expect(order).toEqual(['early', 'fine', 'late'])
    expect(performance.now() - started).toBeGreaterThanOrEqual(115)
  })

  test('a later call with an earlier deadline re-arms the timer', async () => {
    const long = bounded(never, 5000, 'get').catch((e: unknown) => e)
    const started = performance.now()
    await expect(bounded(never, 20, 'set')).rejects.toBeInstanceOf(StoreTimeoutError)
    expect(performance.now() - started).toBeLessThan(2000)
    void long
  }, 10000)
})
