import type { SessionRecord } from '@paste/session'

/** The file format, one JSON object: `{ "format": 1, version, createdAt, touchedAt, expiresAt, data }`. */
export function encode(record: SessionRecord, expiresAt: number): string {
  return JSON.stringify({
    format: 1,
    version: record.version,
    createdAt: record.createdAt,
    touchedAt: record.touchedAt,
    expiresAt,
    data: record.data,
  })
}

/** Decodes a session file; `undefined` if it is not one (truncated, garbage, wrong shape). */
export function decode(text: string): { record: SessionRecord; expiresAt: number } | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  const { version, createdAt, touchedAt, expiresAt, data } = v
  if (
    v.format !== 1 ||
    !Number.isInteger(version) ||
    typeof createdAt !== 'number' ||
    typeof touchedAt !== 'number' ||
    typeof expiresAt !== 'number' ||
    typeof data !== 'object' ||
    data === null ||
    Array.isArray(data)
  )
    return undefined
  return {
    record: {
      data: data as Record<string, unknown>,
      version: version as number,
      createdAt,
      touchedAt,
    },
    expiresAt,
  }
}
