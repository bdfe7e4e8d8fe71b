import { runInNewContext } from 'node:vm'
import { describe, expect, test } from 'vitest'
import { COWBELL_JS, COWBELL_SVG } from './assets.js'

interface FakeImage {
  src: string
  alt: string
  style: Record<string, string>
  attributes: Record<string, string>
  setAttribute(name: string, value: string): void
}

/** Runs the script against a tiny fake page; returns the bell it added and the timer queue. */
function runScript(options: { reducedMotion?: boolean; currentScript?: boolean } = {}) {
  const appended: FakeImage[] = []
  const timers: { run: () => void; ms: number }[] = []
  const document = {
    currentScript:
      options.currentScript === false ? null : { src: 'http://site.test/app/.cowbell/cowbell.js' },
    body: { appendChild: (node: FakeImage) => appended.push(node) },
    createElement: (): FakeImage => ({
      src: '',
      alt: 'unset',
      style: {},
      attributes: {},
      setAttribute(name, value) {
        this.attributes[name] = value
      },
    }),
  }
  const window = {
    innerWidth: 800,
    innerHeight: 600,
    matchMedia: () => ({ matches: options.reducedMotion === true }),
  }
  runInNewContext(COWBELL_JS, {
    document,
    window,
    URL,
    Math,
    setTimeout: (run: () => void, ms: number) => timers.push({ run, ms }),
  })
  const tick = () => timers.shift()?.run()
  return { appended, timers, tick }
}

describe('the cowbell script', () => {
  test('adds one hidden, silent bell whose image sits next to the script', () => {
    const { appended, timers } = runScript()
    expect(appended).toHaveLength(1)
    const bell = appended[0]!
    expect(bell.src).toBe('http://site.test/app/.cowbell/cowbell.svg')
    expect(bell.alt).toBe('')
    expect(bell.attributes['aria-hidden']).toBe('true')
    expect(bell.style.display).toBe('none')
    expect(bell.style.pointerEvents).toBe('none')
    expect(timers).toHaveLength(1)
    expect(timers[0]!.ms).toBeLessThanOrEqual(20_000)
  })

  test('shows the bell tilted one way, then the other, then hides it', () => {
    const { appended, timers, tick } = runScript()
    const style = appended[0]!.style
    tick()
    expect(style.display).toBe('')
    expect(style.transform).toBe('rotate(-25deg)')
    expect(Number.parseInt(style.left ?? '', 10)).toBeGreaterThanOrEqual(0)
    expect(Number.parseInt(style.left ?? '', 10)).toBeLessThanOrEqual(660)
    expect(timers[0]!.ms).toBe(1000)
    tick()
    expect(style.transform).toBe('rotate(25deg)')
    tick()
    expect(style.display).toBe('none')
    expect(timers[0]!.ms).toBeLessThanOrEqual(20_000)
    tick()
    expect(style.display).toBe('')
  })

  test('does not tilt for users who prefer reduced motion', () => {
    const { appended, tick } = runScript({ reducedMotion: true })
    tick()
    expect(appended[0]!.style.transform).toBe('')
    tick()
    expect(appended[0]!.style.transform).toBe('')
  })

  test('does nothing where it cannot find itself', () => {
    const { appended, timers } = runScript({ currentScript: false })
    expect(appended).toHaveLength(0)
    expect(timers).toHaveLength(0)
  })

  test('the image loads nothing and runs nothing', () => {
    expect(COWBELL_SVG).not.toMatch(/<script|on\w+=|href=|<image|<foreignObject/i)
  })
})
