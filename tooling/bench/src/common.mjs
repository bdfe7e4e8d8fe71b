/*
 * What every server in the benchmark implements the same way: the bodies, the credentials,
 * the 50 prefixes, the fixture files. Each scenario is answered identically (status, body
 * size) by every server; run.mjs checks that before measuring.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const HELLO = 'Hello, World!'
export const USER = 'bench'
export const PASSWORD = 'correct horse battery staple'
export const AUTHORIZATION = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
export const PREFIXES = Array.from({ length: 50 }, (_, i) => `/p${i}`)
export const SESSION_SECRET = 'a-benchmark-secret-that-is-long-enough-for-everyone'
export const UPLOAD_LIMIT = 20 * 1024 * 1024

/** The `name` field of the form scenario: escapes and UTF-8 must be decoded by everyone. */
export const FORM_NAME = 'Zoë & Ærøskøbing + co'
/** The form scenario's ~1 KB urlencoded body: 24 fields with distinct names. */
export const FORM = (() => {
  const fields = new URLSearchParams({ name: FORM_NAME })
  for (let i = 1; i < 24; i++) fields.set(`field${i}`, `value number ${i}: café, 50% off & more`)
  return fields.toString()
})()
/** What every server answers to the form: the field count and the decoded name. */
export const FORM_ANSWER = `24 ${FORM_NAME}`
/** The cookie scenario's user, signed into a cookie by each server's own scheme. */
export const COOKIE_USER = USER

/** A ~1 KB JSON document (the stack scenario adds the user and a session counter). */
export function payload(user, views) {
  return {
    user,
    views,
    items: Array.from({ length: 12 }, (_, i) => ({
      id: i,
      name: `item number ${i}`,
      tags: ['alpha', 'beta', 'gamma'],
      price: 10 + i,
    })),
  }
}

/** The implementation a server provides for a scenario: the static ones share one. */
export function implementationOf(scenario) {
  return scenario.startsWith('static-') ? 'static' : scenario
}

/** A ~100 KB HTML page, deterministic, compressible like a real one. */
export function htmlPage() {
  const rows = []
  for (let i = 0; rows.join('').length < 100 * 1024; i++)
    rows.push(
      `<tr class="row-${i % 7}"><td>${i}</td><td><a href="/items/${i}">Item ${(i * 7919) % 10007}</a></td><td>${(i * 31) % 997} units</td></tr>\n`,
    )
  return `<!doctype html><html><head><title>Bench</title></head><body><table>\n${rows.join('')}</table></body></html>\n`
}

/** Writes the static fixtures under `dir/static`; returns that directory. */
export function writeFixtures(dir) {
  const root = join(dir, 'static')
  mkdirSync(root, { recursive: true })
  const kb = Buffer.alloc(1024)
  for (let i = 0; i < kb.length; i++) kb[i] = 97 + (i % 26)
  writeFileSync(join(root, '1k.txt'), kb)
  const mb = Buffer.alloc(1024 * 1024)
  for (let i = 0; i < mb.length; i++) mb[i] = (i * 2654435761) >>> 24
  writeFileSync(join(root, '1m.bin'), mb)
  return root
}

/** Checks a Basic credential in constant time. */
export { timingSafeEqual } from 'node:crypto'
