/*
 * Zip archives through yauzl: the central directory is read once into an index; a member is
 * read by random access (stored members copied, deflated ones inflated), never more than
 * `maxMemberBytes` and never more than the size the archive declares (yauzl checks that the
 * inflated length matches it; we stop counting at the limit either way).
 */
import type { Readable } from 'node:stream'
import yauzl from 'yauzl'
import {
  ArchiveError,
  type ArchiveIndex,
  IndexBuilder,
  type Member,
  type ReadLimits,
} from './archive.js'

const S_IFMT = 0o170000
const S_IFLNK = 0o120000
const S_IFREG = 0o100000
const S_IFDIR = 0o040000
/** "Made by" host systems whose external attributes carry a Unix mode (Unix, macOS). */
const UNIX_HOSTS = new Set([3, 19])

function kindOf(entry: yauzl.Entry): Member['kind'] {
  const host = entry.versionMadeBy >> 8
  const mode = entry.externalFileAttributes >>> 16
  if (UNIX_HOSTS.has(host) && mode !== 0) {
    if ((mode & S_IFMT) === S_IFLNK) return 'link'
    if ((mode & S_IFMT) === S_IFDIR) return 'directory'
    if ((mode & S_IFMT) !== S_IFREG && (mode & S_IFMT) !== 0) return 'other'
  }
  return 'file'
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    // names are decoded and checked by us: yauzl would refuse the whole archive for one bad name
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (error, zip) => (error ? reject(new ArchiveError(error.message)) : resolve(zip)),
    ),
  )
}

/**
 * Indexes a zip file.
 *
 * @example
 * const index = await indexZip('/srv/docs.zip', { maxEntries: 65536, maxMemberBytes: 8 << 20 })
 */
export async function indexZip(path: string, limits: ReadLimits): Promise<ArchiveIndex> {
  const zip = await openZip(path)
  const builder = new IndexBuilder(limits)
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (error: Error) => reject(new ArchiveError(error.message)))
      zip.on('end', () => resolve())
      zip.on('entry', (entry: yauzl.Entry) => {
        try {
          const raw = entry.fileNameRaw
          const name = yauzl.getFileNameLowLevel(
            entry.generalPurposeBitFlag,
            raw,
            entry.extraFields,
            true, // keep backslashes as they are: a name with one is refused, not rewritten
          )
          const kind = entry.isEncrypted() ? 'other' : kindOf(entry)
          const size = entry.uncompressedSize
          builder.add(name, { kind, size, storedSize: entry.compressedSize, locator: entry })
          zip.readEntry()
        } catch (error) {
          reject(error)
        }
      })
      zip.readEntry()
    })
  } catch (error) {
    zip.close()
    throw error
  }
  return {
    members: builder.members,
    skipped: builder.skipped,
    read: (member) => readMember(zip, member.locator as yauzl.Entry, limits.maxMemberBytes),
    close: () => zip.close(),
  }
}

function readMember(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(new ArchiveError(error.message))
      collect(stream, Math.min(max, entry.uncompressedSize), resolve, reject)
    })
  })
}

/** Gathers a stream's bytes, failing as soon as it gives more than `limit`. */
function collect(
  stream: Readable,
  limit: number,
  resolve: (bytes: Uint8Array) => void,
  reject: (error: Error) => void,
): void {
  const chunks: Buffer[] = []
  let length = 0
  stream.on('data', (chunk: Buffer) => {
    length += chunk.length
    if (length > limit) {
      stream.destroy()
      reject(new ArchiveError(`member inflates past its declared size or the limit (${limit})`))
      return
    }
    chunks.push(chunk)
  })
  stream.on('error', (error: Error) => reject(new ArchiveError(error.message)))
  stream.on('end', () => resolve(Buffer.concat(chunks, length)))
}
