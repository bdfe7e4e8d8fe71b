/*
 * Archives built in the tests with the same libraries the package reads them with (yazl for
 * zip, node-tar's Header for tar), plus byte patches for what those libraries refuse to write
 * (hostile names, lying sizes).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Header } from 'tar'
import { afterAll } from 'vitest'
import yazl from 'yazl'

export interface ZipMember {
  name: string
  data?: string | Uint8Array
  /** Deflate it (yazl's default) or store it. */
  compress?: boolean
  /** Unix mode (e.g. 0o120777 for a symlink). */
  mode?: number
  directory?: boolean
}

/** A zip archive in memory. */
export function zipBytes(members: ZipMember[]): Promise<Buffer> {
  const zip = new yazl.ZipFile()
  const mtime = new Date('2024-01-02T03:04:06Z')
  for (const m of members) {
    if (m.directory) zip.addEmptyDirectory(m.name, { mtime })
    else
      zip.addBuffer(Buffer.from(m.data ?? ''), m.name, {
        compress: m.compress ?? true,
        mtime,
        ...(m.mode === undefined ? {} : { mode: m.mode }),
      })
  }
  zip.end()
  const chunks: Buffer[] = []
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c))
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)))
    zip.outputStream.on('error', reject)
  })
}

/** Replaces every occurrence of `from` by `to` (same length): names in local and central headers. */
export function patch(bytes: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('patch: lengths differ')
  const out = Buffer.from(bytes)
  const needle = Buffer.from(from, 'latin1')
  let at = out.indexOf(needle)
  if (at < 0) throw new Error(`patch: ${from} not found`)
  while (at >= 0) {
    out.write(to, at, 'latin1')
    at = out.indexOf(needle, at + 1)
  }
  return out
}

/** Sets the uncompressed size the central directory declares for the first member. */
export function lieAboutSize(bytes: Buffer, size: number): Buffer {
  const out = Buffer.from(bytes)
  const central = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
  out.writeUInt32LE(size, central + 24)
  return out
}

export interface TarMember {
  path: string
  data?: string | Uint8Array
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO'
  linkpath?: string
}

/** A tar archive in memory (gzipped when asked). */
export function tarBytes(members: TarMember[], gzip = false): Buffer {
  const blocks: Buffer[] = []
  for (const m of members) {
    const data = Buffer.from(m.data ?? '')
    const type = m.type ?? 'File'
    const header = new Header({
      path: m.path,
      type,
      size: type === 'File' ? data.length : 0,
      mode: type === 'Directory' ? 0o755 : 0o644,
      mtime: new Date('2024-01-02T03:04:06Z'),
      ...(m.linkpath === undefined ? {} : { linkpath: m.linkpath }),
    })
    const block = Buffer.alloc(512)
    header.encode(block, 0)
    blocks.push(block)
    if (type === 'File' && data.length > 0) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512))
    }
  }
  blocks.push(Buffer.alloc(1024))
  const tar = Buffer.concat(blocks)
  return gzip ? gzipSync(tar) : tar
}

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Writes bytes to a new temporary file named `name` and answers its path. */
export function writeTemp(name: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'paste-archive-'))
  dirs.push(dir)
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

/** A logger that records what it was told. */
export function recordingLogger() {
  const errors: { message: string; details: Record<string, unknown> | undefined }[] = []
  const warnings: { message: string; details: Record<string, unknown> | undefined }[] = []
  return {
    errors,
    warnings,
    error: (message: string, details?: Record<string, unknown>) =>
      errors.push({ message, details }),
    warn: (message: string, details?: Record<string, unknown>) =>
      warnings.push({ message, details }),
    info: () => {},
    debug: () => {},
  }
}
