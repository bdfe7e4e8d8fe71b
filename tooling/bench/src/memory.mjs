/* Server memory: resident set size, and the cost of an idle keep-alive connection. */
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'

/** Resident set size of a process in bytes (Linux /proc), or NaN. */
export function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : Number.NaN
  } catch {
    return Number.NaN
  }
}

/** CPU time (user + system) a process has used, in microseconds (Linux /proc), or NaN. */
export function cpuMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // fields[11] = utime, fields[12] = stime, in clock ticks (USER_HZ, 100 on Linux)
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100
  } catch {
    return Number.NaN
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Opens `count` keep-alive connections that each make one request and then stay idle, and
 * returns the server's memory growth per connection in bytes: V8 heap used + external
 * memory, each read after full garbage collections in the server (`measure`), so what is
 * counted is what the connections keep alive, not garbage or allocator slack (RSS deltas
 * of a few hundred connections are within the noise of the allocator: they came out
 * negative). Kernel socket buffers are not in a process's memory and are not counted.
 */
export async function idleConnectionBytes(base, count, measure) {
  const { hostname, port } = new URL(base)
  const before = await measure()
  const sockets = []
  for (let i = 0; i < count; i += 50) {
    const batch = []
    for (let j = i; j < Math.min(count, i + 50); j++)
      batch.push(
        new Promise((resolve) => {
          const socket = connect(Number(port), hostname, () =>
            socket.write(`GET / HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`),
          )
          socket.once('data', () => resolve())
          socket.on('error', () => resolve())
          sockets.push(socket)
        }),
      )
    await Promise.all(batch)
  }
  await sleep(200)
  const after = await measure()
  for (const socket of sockets) socket.destroy()
  await sleep(200)
  if (!before?.gc || !after?.gc) return Number.NaN
  // compiled code is left out: what the JIT makes of a server's functions while the
  // connections are opened is a one-time cost, not memory a connection holds
  const held = (m) => m.heapUsed - (m.code ?? 0) + m.external
  return (held(after) - held(before)) / count
}
