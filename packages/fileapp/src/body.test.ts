import { existsSync, mkdtempSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createContext } from '@paste/core'
import { startServer } from '@paste-tooling/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { allClosed, openHandles } from '../test/handles.js'
import { fileApp, fileSource } from './index.js'

const dir = mkdtempSync(join(tmpdir(), 'paste-body-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const BIG = 16 * 1024 * 1024

const call = (app: ReturnType<typeof fileApp>, init?: RequestInit) => {
  const request = new Request('http://localhost/', init)
  return app(request, createContext(request))
}

describe.skipIf(!existsSync('/proc/self/fd'))(
  'file bodies (needs Linux /proc to count handles)',
  () => {
    test('in process: a file that shrinks mid-body errors the stream instead of ending short', async () => {
      const path = join(dir, 'shrink.bin')
      writeFileSync(path, Buffer.alloc(1024 * 1024, 1))
      const res = await call(fileApp(path, { inlineBytes: 0 }))
      expect(res.headers.get('content-length')).toBe(String(1024 * 1024))
      const reader = res.body!.getReader()
      const first = await reader.read()
      expect(first.value?.length).toBeGreaterThan(0)
      truncateSync(path, 1000)
      await expect(
        (async () => {
          for (;;) if ((await reader.read()).done) return 'ended'
        })(),
      ).rejects.toThrow(/shrank/)
      await allClosed(path)
    })

    test('in process: a file replaced between headers and body is refused', async () => {
      const path = join(dir, 'replaced.bin')
      writeFileSync(path, Buffer.alloc(100_000, 1))
      const res = await call(fileApp(path, { inlineBytes: 0 }))
      writeFileSync(path, Buffer.alloc(100_000, 2)) // same size, same inode
      // a new mtime: kernels without fine-grained timestamps can stamp two writes within a
      // clock tick alike, and then no stat-based check can tell them apart
      utimesSync(path, new Date(), new Date(Date.now() + 5000))
      await expect(res.arrayBuffer()).rejects.toThrow()
      const again = await call(fileApp(path, { inlineBytes: 0 }))
      expect(new Uint8Array(await again.arrayBuffer())[0]).toBe(2)
    })

    test('in process: cancelling the body closes the file handle', async () => {
      const path = join(dir, 'cancel.bin')
      writeFileSync(path, Buffer.alloc(1024 * 1024, 1))
      const res = await call(fileApp(path, { inlineBytes: 0 }))
      expect(fileSource(res)).toMatchObject({ path, start: 0, end: 1024 * 1024 })
      const reader = res.body!.getReader()
      await reader.read()
      expect(openHandles(path)).toBe(1)
      await reader.cancel()
      await allClosed(path)
    })

    test('through the server: shrinking mid-response aborts the connection (never a short body)', async () => {
      const path = join(dir, 'shrink-server.bin')
      writeFileSync(path, Buffer.alloc(BIG, 7))
      const server = await startServer(fileApp(path, { inlineBytes: 0 }))
      try {
        const { received, closed } = await new Promise<{ received: number; closed: boolean }>(
          (resolve) => {
            const socket = connect(server.port, '127.0.0.1')
            let received = 0
            socket.on('data', (chunk) => {
              received += chunk.length
              if (received > 0 && !socket.isPaused() && received < BIG / 4) {
                socket.pause()
                truncateSync(path, 10)
                setTimeout(() => socket.resume(), 100)
              }
            })
            socket.on('error', () => {})
            socket.on('close', () => resolve({ received, closed: true }))
            // keep-alive: a short body ending "normally" would leave this socket open
            setTimeout(() => {
              resolve({ received, closed: false })
              socket.destroy()
            }, 8000).unref()
            socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
          },
        )
        expect(closed).toBe(true) // the server aborted the connection
        expect(received).toBeLessThan(BIG) // cut off: the client sees an incomplete body, not a complete short one
        await allClosed(path)
      } finally {
        await server.close()
      }
    })

    test('through the server: a client that disconnects mid-body frees the file handle', async () => {
      const path = join(dir, 'disconnect.bin')
      writeFileSync(path, Buffer.alloc(BIG, 3))
      const server = await startServer(fileApp(path, { inlineBytes: 0 }))
      try {
        await new Promise<void>((resolve) => {
          const socket = connect(server.port, '127.0.0.1')
          socket.once('data', () => {
            socket.pause()
            setTimeout(() => {
              expect(openHandles(path)).toBe(1)
              socket.destroy()
              resolve()
            }, 100)
          })
          socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
        })
        await allClosed(path)
      } finally {
        await server.close()
      }
    })
  },
)
