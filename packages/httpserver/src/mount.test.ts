import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { App } from '@paste/core'
import connect from 'connect'
import express from 'express'
import Fastify from 'fastify'
import { describe, expect, test } from 'vitest'
import { toNodeHandler } from './index.js'

type Echo = Record<string, string | null>

const app: App = async (request, context) =>
  Response.json({
    url: request.url,
    scriptName: context.scriptName,
    pathInfo: context.pathInfo,
    search: context.search,
    body: request.method === 'POST' ? await request.text() : null,
  })

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
}

describe('toNodeHandler mounts an App in other servers', () => {
  test('a plain http.Server', async () => {
    const server = createServer(toNodeHandler(app))
    const base = await listen(server)
    try {
      const body = await (await fetch(`${base}/a/b?c=1`)).json()
      expect(body).toMatchObject({ scriptName: '', pathInfo: '/a/b', search: '?c=1' })
    } finally {
      await close(server)
    }
  })

  test('Express 5 under a prefix: the prefix becomes scriptName', async () => {
    const site = express()
    site.use('/paste', toNodeHandler(app))
    site.get('/other', (_req, res) => {
      res.send('express')
    })
    const server = createServer(site)
    const base = await listen(server)
    try {
      const body = (await (await fetch(`${base}/paste/x/y?z=2`)).json()) as Echo
      expect(body).toMatchObject({ scriptName: '/paste', pathInfo: '/x/y', search: '?z=2' })
      expect(new URL(String(body.url)).pathname).toBe('/paste/x/y')
      const root = await (await fetch(`${base}/paste`)).json()
      expect(root).toMatchObject({ scriptName: '/paste', pathInfo: '' })
      const post = await fetch(`${base}/paste/p`, { method: 'POST', body: 'data' })
      expect(((await post.json()) as Echo).body).toBe('data')
      expect(await (await fetch(`${base}/other`)).text()).toBe('express')
    } finally {
      await close(server)
    }
  })

  test('Connect under a prefix', async () => {
    const site = connect()
    site.use('/mount', toNodeHandler(app))
    const server = createServer(site)
    const base = await listen(server)
    try {
      const body = await (await fetch(`${base}/mount/q`)).json()
      expect(body).toMatchObject({ scriptName: '/mount', pathInfo: '/q' })
    } finally {
      await close(server)
    }
  })

  test('Fastify 5 through reply.hijack()', async () => {
    const fastify = Fastify()
    const handler = toNodeHandler(app)
    fastify.removeAllContentTypeParsers()
    fastify.addContentTypeParser('*', (_request, _payload, done) => done(null))
    fastify.all('/*', (request, reply) => {
      reply.hijack()
      handler(request.raw, reply.raw)
    })
    const base = await fastify.listen({ port: 0, host: '127.0.0.1' })
    try {
      const body = await (await fetch(`${base}/f/g?h=3`)).json()
      expect(body).toMatchObject({ scriptName: '', pathInfo: '/f/g', search: '?h=3' })
      const post = await fetch(`${base}/p`, { method: 'POST', body: 'fastify body' })
      expect(((await post.json()) as Echo).body).toBe('fastify body')
    } finally {
      await fastify.close()
    }
  })
})
