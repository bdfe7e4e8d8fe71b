/*
 * HTTP-date (RFC 9110 section 5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime forms
 * a recipient must still accept.
 *
 *   IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT     ; Sun, 06 Nov 1994 08:49:37 GMT
 *   rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT   ; Sunday, 06-Nov-94 08:49:37 GMT
 *   asctime-date = day-name SP date3 SP time-of-day SP year       ; Sun Nov  6 08:49:37 1994
 */

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec'
const IMF = /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/
const RFC850 = /^[A-Z][a-z]{5,8}, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/
const ASCTIME = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/
// Old browsers append "; length=N" to If-Modified-Since; the parameter is dropped.
const LEGACY_LENGTH = /;\s*length=\d+\s*$/i

/**
 * Parses an HTTP-date to whole seconds since the epoch; `undefined` when the value is absent
 * or not a valid HTTP-date (a recipient then ignores the header field).
 *
 * @example
 * parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT') // 784111777
 */
export function parseHttpDate(value: string | null | undefined): number | undefined {
  if (!value || value.length > 64) return undefined
  const v = value.replace(LEGACY_LENGTH, '').trim()
  let m = IMF.exec(v)
  if (m) return toSeconds(+m[3]!, m[2]!, +m[1]!, m[4]!, m[5]!, m[6]!)
  m = RFC850.exec(v)
  if (m) {
    // two-digit years: 50 years ahead of now or more means the previous century (section 5.6.7)
    const nowYear = new Date().getUTCFullYear()
    let year = 1900 + +m[3]!
    while (year < nowYear - 50) year += 100
    return toSeconds(year, m[2]!, +m[1]!, m[4]!, m[5]!, m[6]!)
  }
  m = ASCTIME.exec(v)
  if (m) return toSeconds(+m[6]!, m[1]!, +m[2]!.trim(), m[3]!, m[4]!, m[5]!)
  return undefined
}

function toSeconds(
  year: number,
  month: string,
  day: number,
  h: string,
  min: string,
  s: string,
): number | undefined {
  const index = MONTHS.indexOf(month)
  if (index < 0 || index % 3 !== 0) return undefined
  const hours = +h
  const minutes = +min
  const seconds = +s
  if (day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 60) return undefined
  const ms = Date.UTC(year, index / 3, day, hours, minutes, Math.min(seconds, 59))
  const back = new Date(ms)
  if (back.getUTCDate() !== day) return undefined // 31 Feb and the like
  return Math.floor(ms / 1000)
}

/**
 * Formats a time as an IMF-fixdate.
 *
 * @example
 * formatHttpDate(784111777) // 'Sun, 06 Nov 1994 08:49:37 GMT'
 */
export function formatHttpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString()
}
