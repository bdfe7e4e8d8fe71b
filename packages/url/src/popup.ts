/*
 * The `window.open` features string of a JsPopup, built only from checked values.
 */

/** A window feature flag: `true`/`1`/`'1'`/`'yes'` on, `false`/`0`/`'0'`/`'no'` off. */
export type WindowFlag = boolean | 0 | 1 | '0' | '1' | 'yes' | 'no'

/** The flags Paste's JSPopup knows, plus `toolbar` (which its `stripped` sets). */
export const WINDOW_FLAGS = [
  'channelmode',
  'directories',
  'fullscreen',
  'location',
  'menubar',
  'resizable',
  'scrollbars',
  'status',
  'titlebar',
  'toolbar',
] as const

/** Window size and position, in CSS pixels. */
export const WINDOW_SIZES = ['height', 'left', 'top', 'width'] as const

const FLAG_VALUES: ReadonlySet<unknown> = new Set([true, false, 0, 1, '0', '1', 'yes', 'no'])

/** Checks a flag param's value, or throws a `TypeError`. */
export function checkFlag(name: string, value: unknown): void {
  if (!FLAG_VALUES.has(value))
    throw new TypeError(
      `@paste/url: the ${name} param must be true, false, 0, 1, '0', '1', 'yes' or 'no'`,
    )
}

const DIGITS = /^[0-9]{1,6}$/

/**
 * Checks a size param (a whole number of pixels, 0 to 100000; a string of digits counts) and
 * returns it as a number, or throws a `TypeError`.
 */
export function checkSize(name: string, value: unknown): number {
  const size = typeof value === 'string' && DIGITS.test(value) ? Number(value) : value
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > 100_000)
    throw new TypeError(`@paste/url: the ${name} param must be a whole number from 0 to 100000`)
  return size
}

function flagText(value: WindowFlag): string {
  if (value === 'yes' || value === 'no' || value === '1' || value === '0') return value
  return value ? '1' : '0'
}

/**
 * The features string: the flags that are set, then the sizes that are not 0, in Paste's
 * order. `stripped` turns `location`, `status` and `toolbar` off (as in Paste, over any
 * value given for them).
 *
 * @example
 * windowFeatures({ stripped: true, width: 300 }) // 'location=0,status=0,toolbar=0,width=300'
 */
export function windowFeatures(params: Readonly<Record<string, unknown>>): string {
  const features: string[] = []
  for (const flag of WINDOW_FLAGS) {
    let value = params[flag] as WindowFlag | undefined
    if (
      params.stripped === true &&
      (flag === 'location' || flag === 'status' || flag === 'toolbar')
    )
      value = '0'
    if (value !== undefined) features.push(`${flag}=${flagText(value)}`)
  }
  for (const size of WINDOW_SIZES) {
    const value = params[size]
    if (typeof value === 'number' && value > 0) features.push(`${size}=${value}`)
  }
  return features.join(',')
}
