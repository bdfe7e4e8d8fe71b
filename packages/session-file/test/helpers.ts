import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

const roots: string[] = []
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paste-session-file-'))
  roots.push(dir)
  return join(dir, 'sessions')
}
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true })
})

export function recorder() {
  const entries: { level: string; message: string }[] = []
  const at = (level: string) => (message: string) => {
    entries.push({ level, message })
  }
  return {
    entries,
    logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') },
  }
}

export const rec = (data: Record<string, unknown>, version = 1) => ({
  data,
  version,
  createdAt: Date.now(),
  touchedAt: Date.now(),
})
