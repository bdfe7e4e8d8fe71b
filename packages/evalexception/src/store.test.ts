import { createContext } from '@paste/core'
import { describe, expect, test } from 'vitest'
import { errorChain, matchFrames } from './incident.js'
import { IncidentStore, type KeptIncident } from './store.js'

const request = new Request('http://localhost/')
const incident = (id: string, created: number): KeptIncident => ({
  id,
  token: 't',
  created,
  errors: [],
  request,
  context: createContext(request),
  summary: {
    method: 'GET',
    url: '/',
    scriptName: '',
    pathInfo: '/',
    remoteAddress: '',
    headers: [],
  },
  scopes: new Map(),
})

describe('IncidentStore', () => {
  test('keeps the most recent max, oldest out first', () => {
    const store = new IncidentStore(2, 1000, () => 0)
    for (const id of ['a', 'b', 'c']) store.add(incident(id, 0))
    expect(store.size).toBe(2)
    expect(store.get('a')).toBeUndefined()
    expect(store.get('b')?.id).toBe('b')
    expect(store.get('c')?.id).toBe('c')
  })

  test('expires incidents after ttl and drops them', () => {
    let now = 0
    const store = new IncidentStore(5, 1000, () => now)
    store.add(incident('a', 0))
    now = 999
    expect(store.get('a')?.id).toBe('a')
    now = 1000
    expect(store.get('a')).toBeUndefined()
    expect(store.size).toBe(0)
  })
})

describe('errorChain', () => {
  test('walks causes and aggregate members depth first, once each, within the limit', () => {
    const root = new Error('root')
    const inner = new Error('inner', { cause: root })
    const aggregate = new AggregateError([inner, new Error('sibling')], 'many', { cause: root })
    root.cause = aggregate // a cycle
    const chain = errorChain(aggregate, 10).map(([v, relation, depth]) => [
      (v as Error).message,
      relation,
      depth,
    ])
    expect(chain).toEqual([
      ['many', 'thrown', 0],
      ['inner', 'aggregate', 1],
      ['root', 'cause', 2],
      ['sibling', 'aggregate', 1],
    ])
    expect(errorChain(aggregate, 2)).toHaveLength(2)
    expect(errorChain('plain string', 5)).toEqual([['plain string', 'thrown', 0]])
  })
})

describe('matchFrames', () => {
  const frame = (fn: string, file: string, line: number) => ({
    function: fn,
    file,
    line,
    column: 1,
    internal: false,
    dependency: false,
    raw: '',
  })
  const captured = (fn: string, url: string, line: number) => ({
    function: fn,
    url,
    line,
    column: 1,
    locals: new Map(),
  })
  test('pairs by file and line or name, in order; url-less captures by name alone', () => {
    const frames = [
      frame('inner', '/app/a.js', 3),
      frame('async Router.handle', '/app/b.js', 9),
      frame('outer', '/app/a.js', 20),
      frame('vm', '/app/c.js', 1),
    ]
    const caps = [
      captured('inner', 'file:///app/a.js', 3),
      captured('handle', 'file:///app/b.js', 8),
      captured('other', 'file:///app/a.js', 21),
      captured('vm', '', 50),
    ]
    expect(matchFrames(frames, caps)).toEqual([caps[0], caps[1], undefined, caps[3]])
  })
})
