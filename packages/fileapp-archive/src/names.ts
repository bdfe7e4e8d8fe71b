/*
 * Member names as the archive spells them, normalised to one exact lookup key, or refused.
 * A key is the member's segments joined by `/`: no leading `/`, no empty, `.` or `..`
 * segment, no backslash, drive letter, NUL or other control character. Names that cannot be
 * made into such a key are left out of the index, so no request can ever reach them.
 */

/** A member name from an archive, normalised: its key and whether it names a directory. */
export interface MemberName {
  readonly key: string
  readonly directory: boolean
}

// a separator of another system, or a control character (C0, DEL)
const FORBIDDEN = /[\\\x00-\x1f\x7f]/
// `C:` at the start: a Windows drive
const DRIVE = /^[A-Za-z]:/

/**
 * Normalises a member name, or answers `undefined` when it is hostile or malformed.
 * A leading `./` (as `tar -C dir .` writes) is dropped; anything else unusual refuses the name.
 *
 * @example
 * memberName('./docs/a.txt') // { key: 'docs/a.txt', directory: false }
 * memberName('./') // { key: '', directory: true }: the root, no member
 * memberName('../etc/passwd') // undefined
 */
export function memberName(raw: string): MemberName | undefined {
  if (raw === '' || FORBIDDEN.test(raw) || DRIVE.test(raw) || raw[0] === '/') return undefined
  const segments = raw.split('/')
  while (segments[0] === '.' && segments.length > 1) segments.shift()
  const directory = segments[segments.length - 1] === ''
  if (directory) segments.pop()
  // `./` (or `.`): the archive's own root, which is no member
  if (segments.length === 0 || (segments.length === 1 && segments[0] === '.'))
    return raw === '.' || raw.startsWith('./') ? { key: '', directory: true } : undefined
  for (const s of segments) if (s === '' || s === '.' || s === '..') return undefined
  return { key: segments.join('/'), directory }
}
