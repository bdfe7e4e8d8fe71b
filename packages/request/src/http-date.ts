/*
 * HTTP-date, RFC 9110 section 5.6.7:
 *
 *   HTTP-date    = IMF-fixdate / obs-date
 *   IMF-fixdate  = day-name "," SP date1 SP time-of-day SP GMT   ; Sun, 06 Nov 1994 08:49:37 GMT
 *   rfc850-date  = day-name-l "," SP date2 SP time-of-day SP GMT ; Sunday, 06-Nov-94 08:49:37 GMT
 *   asctime-date = day-name SP date3 SP time-of-day SP year      ; Sun Nov  6 08:49:37 1994
 *
 * Recipients must accept all three (obs-date too). Two-digit rfc850 years are read as the
 * nearest year not more than 50 years in the future (RFC 9110 5.6.7). The day name is checked
 * for form only; an impossible date (31 Feb) is rejected.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
// Each pattern is anchored and built from fixed-width or bounded pieces: linear time.
const IMF = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/
const RFC850 = /^[A-Za-z]{6,9}, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/
const ASCTIME = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/

function build(y: number, mon: string, d: number, h: number, mi: number, s: number) {
  const month = MONTHS.indexOf(mon.toLowerCase())
  if (month === -1 || h > 23 || mi > 59 || s > 60 || d < 1) return undefined
  const date = new Date(Date.UTC(y, month, d, h, mi, Math.min(s, 59)))
  if (date.getUTCDate() !== d || date.getUTCMonth() !== month) return undefined // 31 Feb
  if (y < 100) date.setUTCFullYear(y) // Date.UTC maps 0-99 to 1900-1999
  return date
}

/**
 * Parses an HTTP-date (IMF-fixdate, RFC 850 or asctime form). Returns `undefined` for
 * anything else; never throws.
 *
 * @example
 * parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')?.toISOString() // '1994-11-06T08:49:37.000Z'
 */
export function parseHttpDate(value: string | null | undefined): Date | undefined {
  if (!value || value.length > 64) return undefined
  const v = value.trim()
  let m = IMF.exec(v)
  if (m) return build(+m[3]!, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!)
  m = RFC850.exec(v)
  if (m) {
    const now = new Date().getUTCFullYear()
    let year = Math.floor(now / 100) * 100 + +m[3]!
    if (year > now + 50) year -= 100
    return build(year, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!)
  }
  m = ASCTIME.exec(v)
  if (m) return build(+m[6]!, m[1]!, +m[2]!.trim(), +m[3]!, +m[4]!, +m[5]!)
  return undefined
}

/**
 * Formats a date as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP senders
 * must use. Throws a `TypeError` for an invalid date.
 *
 * @example
 * response.headers.set('last-modified', formatHttpDate(stats.mtime))
 */
export function formatHttpDate(date: Date | number): string {
  const d = typeof date === 'number' ? new Date(date) : date
  if (Number.isNaN(d.getTime())) throw new TypeError('@paste/request: invalid date')
  return d.toUTCString()
}
