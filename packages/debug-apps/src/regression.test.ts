import { Agent, request as httpRequest } from 'node:http'
import type { App } from '@paste/core'
import { curl } from '@paste-tooling/testing'
import { describe, expect, test } from 'vitest'
import { regressionServer } from './regression.js'
import { simpleApp } from './simple.js'

/** An App that shows the path it was asked for (Paste's test used dump_environ). */
const echoPath: App = (_request, context) => new Response(`PATH_INFO: ${context.pathInfo}`)

/** GET over one keep-alive agent, so the connection stays open after the answer. */
function keepAliveGet(url: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.on('end', () => resolve(text))
    })
      .on('error', reject)
      .end()
  })
}

describe('regressionServer', () => {
  test("Paste's scenario: two requests, one more accepted, then closed", async () => {
    const server = await regressionServer(echoPath, { expected: 2 })
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(await (await fetch(`${server.url}/foo`)).text()).toBe('PATH_INFO: /foo')
    server.accept(1)
    expect(await (await fetch(`${server.url}/womble`)).text()).toBe('PATH_INFO: /womble')
    expect(await (await fetch(`${server.url}/`)).text()).toBe('PATH_INFO: /')
    expect(await server.done).toEqual({ requests: 3, aborted: 0, timedOut: false })
    await expect(fetch(`${server.url}/late`)).rejects.toThrow()
    expect(() => server.accept()).toThrow(/closing/)
  })

  test('closes even with keep-alive connections still open', async () => {
    const agent = new Agent({ keepAlive: true })
    try {
      const server = await regressionServer(simpleApp(), { expected: 2, timeout: 60_000 })
      expect(await keepAliveGet(`${server.url}/a`, agent)).toContain('simple')
      expect(await keepAliveGet(`${server.url}/b`, agent)).toContain('simple')
      const outcome = await server.done
      expect(outcome).toEqual({ requests: 2, aborted: 0, timedOut: false })
    } finally {
      agent.destroy()
    }
  })

  test('times out when fewer requests than expected come', async () => {
    const server = await regressionServer(simpleApp(), { expected: 3, timeout: 100 })
    await fetch(server.url)
    const outcome = await server.done
    expect(outcome).toEqual({ requests: 1, aborted: 0, timedOut: true })
  })

  test('times out without any request at all', async () => {
    const server = await regressionServer(simpleApp(), { timeout: 50 })
    expect(await server.done).toEqual({ requests: 0, aborted: 0, timedOut: true })
  })

  test('cuts a request that never answers, and reports it', async () => {
    const never: App = () => new Promise<Response>(() => {})
    const server = await regressionServer(never, { timeout: 100, closeTimeout: 100 })
    const pending = fetch(server.url).then(
      () => 'answered',
      () => 'cut',
    )
    const outcome = await server.done
    expect(await pending).toBe('cut')
    expect(outcome).toEqual({ requests: 1, aborted: 1, timedOut: true })
  })

  test('counts an answer the server gave itself (413 over its body limit)', async () => {
    const server = await regressionServer(simpleApp(), { maxBodyBytes: 10 })
    const response = await fetch(server.url, { method: 'POST', body: 'x'.repeat(100) })
    expect(response.status).toBe(413)
    expect(await server.done).toMatchObject({ requests: 1, timedOut: false })
  })

  test('close() ends it early; done and close() agree', async () => {
    const server = await regressionServer(simpleApp(), { expected: 5 })
    await fetch(server.url)
    const closed = await server.close()
    expect(closed).toEqual({ requests: 1, aborted: 0, timedOut: false })
    expect(await server.done).toEqual(closed)
    expect(await server.close()).toEqual(closed)
  })

  test('serves curl', async () => {
    const server = await regressionServer(simpleApp({ text: 'curl me' }))
    const { stdout, code } = await curl([`${server.url}/x`])
    expect(code).toBe(0)
    expect(stdout.toString()).toBe('<html><body>curl me</body></html>')
    expect((await server.done).requests).toBe(1)
  })

  test('refuses bad options with a TypeError naming the package', async () => {
    await expect(regressionServer(simpleApp(), { expected: 0 })).rejects.toThrow(
      /@paste\/debug-apps: expected must be an integer >= 1/,
    )
    await expect(
      regressionServer(simpleApp(), { timeout: Number.POSITIVE_INFINITY }),
    ).rejects.toThrow(TypeError)
    const server = await regressionServer(simpleApp())
    expect(() => server.accept(-1)).toThrow(TypeError)
    await server.close()
  })
})
