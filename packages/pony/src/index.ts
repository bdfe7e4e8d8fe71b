/**
 * @paste/pony: Paste's easter eggs. `pony()` shows an ASCII-art pony (a unicorn with
 * `?horn`) at `/pony`; `cowbell()` adds more cowbell to HTML pages.
 */
export { type CowbellOptions, cowbell } from './cowbell.js'
export { type PonyOptions, pony } from './pony.js'
