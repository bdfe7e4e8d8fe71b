/*
 * The pictures /pony shows: drawn for this package (Paste's are its own), the unicorn is
 * the pony with a horn. Plain ASCII; escaped when they go into the page.
 */

const BODY = String.raw`
              /  \__
        _____/  o   \
    .--'   ;;        >
   /  ;;  ;;   ,----'
  /  ;;  ;;   /
 ;  ;;        '----------.
 ; /                      \
  |    )               (   |
   \  /'---------------'\  /
    ||                   ||
    ||                   ||
   (__)                 (__)
`

const EARS = `
               __`

const HORN = `
                     *
                    /
                   /
               __ /`

/** A pony. */
export const PONY = `${EARS.slice(1)}${BODY}`

/** A unicorn: the pony, with a horn. */
export const UNICORN = `${HORN.slice(1)}${BODY}`
