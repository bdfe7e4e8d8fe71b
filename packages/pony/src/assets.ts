/*
 * What cowbell() serves under its reserved path: a cowbell drawn for this package (SVG) and
 * the script that shows it now and then. Nothing is loaded from another host.
 */

/** A cowbell, drawn here. */
export const COWBELL_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 140" width="120" height="140">
<title>More cowbell</title>
<path d="M45 24a15 15 0 0 1 30 0" fill="none" stroke="#5a4632" stroke-width="6"/>
<path d="M38 24H82L104 112Q60 124 16 112Z" fill="#c9a227" stroke="#6b5316" stroke-width="4" stroke-linejoin="round"/>
<path d="M46 36L31 102" stroke="#f4e08a" stroke-width="6" stroke-linecap="round" opacity=".7"/>
<ellipse cx="60" cy="113" rx="44" ry="8" fill="#3b2f12"/>
<circle cx="60" cy="125" r="9" fill="#7a6a55" stroke="#3b2f12" stroke-width="3"/>
</svg>
`

/**
 * Shows the bell somewhere in the window now and then: tilted one way for a second, the
 * other way for a second, then gone for up to 20 seconds. The image is found next to the
 * script itself, so the page needs nothing but the script tag.
 */
export const COWBELL_JS = `(function () {
  'use strict'
  var script = document.currentScript
  if (!script || !document.body) return
  var bell = document.createElement('img')
  bell.src = new URL('cowbell.svg', script.src).href
  bell.alt = ''
  bell.setAttribute('aria-hidden', 'true')
  var still = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches
  var s = bell.style
  s.position = 'fixed'
  s.width = '120px'
  s.display = 'none'
  s.zIndex = '2147483647'
  s.pointerEvents = 'none'
  document.body.appendChild(bell)
  var state = 'hidden'
  function next() {
    var wait = 1000
    if (state === 'hidden') {
      s.left = Math.floor(Math.random() * Math.max(0, window.innerWidth - 140)) + 'px'
      s.top = Math.floor(Math.random() * Math.max(0, window.innerHeight - 160)) + 'px'
      s.transform = still ? '' : 'rotate(-25deg)'
      s.display = ''
      state = 'up'
    } else if (state === 'up') {
      s.transform = still ? '' : 'rotate(25deg)'
      state = 'down'
    } else {
      s.display = 'none'
      state = 'hidden'
      wait = Math.random() * 20000
    }
    setTimeout(next, wait)
  }
  setTimeout(next, Math.random() * 20000)
})()
`
