#!/usr/bin/env node
// Checks that the package in the current directory publishes cleanly: publint (strict) on
// the package, then arethetypeswrong on the tarball `pnpm pack` produces (ESM-only profile).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const run = (cmd, args) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] }).toString()
const out = mkdtempSync(join(tmpdir(), 'paste-pack-'))
try {
  run('publint', ['--strict'])
  run('pnpm', ['pack', '--pack-destination', out])
  const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'))
  if (!tarball) throw new Error('pnpm pack produced no tarball')
  process.stdout.write(run('attw', [join(out, tarball), '--profile', 'esm-only', '--quiet']))
} catch (error) {
  if (error.stdout) process.stdout.write(error.stdout)
  console.error(`package check failed in ${process.cwd()}`)
  process.exitCode = 1
} finally {
  rmSync(out, { recursive: true, force: true })
}
