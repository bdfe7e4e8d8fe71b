/* What an archive reader gives the app: an index of members and a way to read one. */
import { type MemberName, memberName } from './names.js'

/** What a member is; only `file` members are ever served. */
export type MemberKind = 'file' | 'directory' | 'link' | 'other'

/** One indexed member. */
export interface Member {
  readonly kind: MemberKind
  /** Uncompressed size as the archive declares it. */
  readonly size: number
  /** Bytes the member takes in the archive (compressed size for zip, size for tar). */
  readonly storedSize: number
  /** How the reader finds it again (a zip entry, a tar ordinal). */
  readonly locator: unknown
}

/** An indexed archive. */
export interface ArchiveIndex {
  readonly members: ReadonlyMap<string, Member>
  /** Members left out because their names were hostile or malformed. */
  readonly skipped: number
  /** Reads a file member whole; rejects with {@link ArchiveError} when it is corrupt or lies. */
  read(member: Member): Promise<Uint8Array>
  /** Releases the archive (reads in flight finish first). */
  close(): void
}

/** A member or archive that cannot be served: corrupt, truncated, or a decompression bomb. */
export class ArchiveError extends Error {
  override name = 'ArchiveError'
}

/** Limits a reader enforces while indexing and reading. */
export interface ReadLimits {
  /** Most members indexed (more makes the archive refused). */
  readonly maxEntries: number
  /** Largest member read (declared or actual uncompressed size). */
  readonly maxMemberBytes: number
}

/**
 * Builds the member map: later duplicates win (as extracting would leave them), parents of
 * every member exist as directories, hostile names are counted and left out.
 */
export class IndexBuilder {
  readonly members = new Map<string, Member>()
  skipped = 0
  #count = 0

  constructor(readonly limits: ReadLimits) {}

  add(raw: string, member: Member): void {
    if (++this.#count > this.limits.maxEntries)
      throw new ArchiveError(`more than ${this.limits.maxEntries} members`)
    const name: MemberName | undefined = memberName(raw)
    if (name === undefined) {
      this.skipped++
      return
    }
    if (name.key === '') return // the root entry (`./`) of a tar
    // a name ending in `/` is a directory whatever its mode says
    const kind = name.directory ? 'directory' : member.kind
    this.members.set(name.key, kind === member.kind ? member : { ...member, kind })
    // parents of a member are directories, even when the archive has no entry for them
    for (let i = name.key.lastIndexOf('/'); i > 0; i = name.key.lastIndexOf('/', i - 1)) {
      const parent = name.key.slice(0, i)
      if (this.members.has(parent)) break
      this.members.set(parent, DIRECTORY)
    }
  }
}

const DIRECTORY: Member = Object.freeze({ kind: 'directory', size: 0, storedSize: 0, locator: 0 })
