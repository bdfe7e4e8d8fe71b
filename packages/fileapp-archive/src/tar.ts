/*
 * Tar archives (plain or gzipped) through node-tar's Parser. A tar has no central directory
 * and a gzipped one no random access, so the index is one pass over the archive (member
 * data skipped), and reading a member is another pass that stops once the member is read.
 * Inflated members are cached by the app, so the pass is paid once per member and version.
 * The parser is strict (a truncated or malformed archive is an error, not a warning) and
 * refuses a gzip stream that inflates more than `maxCompressionRatio` times its size.
 */
import { createReadStream } from 'node:fs'
import { Parser, type ReadEntry } from 'tar'
import {
  ArchiveError,
  type ArchiveIndex,
  IndexBuilder,
  type Member,
  type ReadLimits,
} from './archive.js'

/** Limits for tar archives. */
export interface TarLimits extends ReadLimits {
  /** Largest ratio of inflated to compressed bytes for a gzipped archive. */
  readonly maxCompressionRatio: number
}

function kindOf(entry: ReadEntry): Member['kind'] {
  switch (entry.type) {
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      return 'file'
    case 'Directory':
    case 'GNUDumpDir':
      return 'directory'
    case 'Link':
    case 'SymbolicLink':
      return 'link'
    default:
      return 'other'
  }
}

/**
 * Runs the parser over the archive; `onEntry` returns `false` to stop early.
 * Resolves when the archive ends or is stopped; rejects with an ArchiveError.
 */
function scan(
  path: string,
  limits: TarLimits,
  onEntry: (entry: ReadEntry, ordinal: number, stop: () => void) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const input = createReadStream(path)
    let settled = false
    const finish = (error?: unknown) => {
      if (settled) return
      settled = true
      input.destroy()
      if (error === undefined) resolve()
      else
        reject(
          error instanceof ArchiveError
            ? error
            : new ArchiveError(String((error as Error)?.message ?? error)),
        )
    }
    let ordinal = 0
    const parser = new Parser({
      strict: true,
      maxDecompressionRatio: limits.maxCompressionRatio,
      onReadEntry: (entry) => {
        if (settled) return entry.resume()
        try {
          if (!onEntry(entry, ordinal++, () => finish())) finish()
        } catch (error) {
          finish(error)
        }
      },
    })
    parser.on('error', (error: Error) => finish(error))
    parser.on('end', () => finish())
    input.on('error', (error) => finish(error))
    input.pipe(parser as unknown as NodeJS.WritableStream)
  })
}

/**
 * Indexes a tar, .tar.gz or .tgz file (gzip is detected from the content).
 *
 * @example
 * const index = await indexTar('/srv/site.tgz', { maxEntries: 65536, maxMemberBytes: 8 << 20, maxCompressionRatio: 1000 })
 */
export async function indexTar(path: string, limits: TarLimits): Promise<ArchiveIndex> {
  const builder = new IndexBuilder(limits)
  await scan(path, limits, (entry, ordinal) => {
    const size = entry.size
    builder.add(entry.path, { kind: kindOf(entry), size, storedSize: size, locator: ordinal })
    entry.resume()
    return true
  })
  return {
    members: builder.members,
    skipped: builder.skipped,
    read: (member) => readMember(path, limits, member),
    close: () => {},
  }
}

async function readMember(path: string, limits: TarLimits, member: Member): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let length = 0
  let found = false
  let failure: ArchiveError | undefined
  await scan(path, limits, (entry, ordinal, stop) => {
    if (ordinal !== member.locator) {
      entry.resume()
      return true
    }
    found = true
    entry.on('data', (chunk: Buffer) => {
      length += chunk.length
      if (length <= limits.maxMemberBytes) chunks.push(chunk)
      else failure ??= new ArchiveError('member larger than maxMemberBytes')
    })
    // the member is read: the rest of the archive is not
    entry.on('end', stop)
    return true
  })
  if (failure) throw failure
  // the archive changed under us (replaced in place): the member is not where the index says
  if (!found || length !== member.size) throw new ArchiveError('member changed since indexing')
  return Buffer.concat(chunks, length)
}
