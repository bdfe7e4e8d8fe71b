import { describe, expect, test } from 'vitest'
import { excerpt, pageLines, REPORT_CLASS, renderReport } from './report.js'

describe('excerpt', () => {
  test('marks the problem (size characters from the column) and escapes the rest', () => {
    expect(excerpt('<p><foo a="1">x</foo></p>', 5, 3)).toBe(
      '&lt;p&gt;&lt;<mark>foo</mark> a=&quot;1&quot;&gt;x&lt;/foo&gt;&lt;/p&gt;',
    )
  })

  test('the marked part is escaped too', () => {
    expect(excerpt('<a title="<x>">', 10, 5)).toBe(
      '&lt;a title=<mark>&quot;&lt;x&gt;&quot;</mark>&gt;',
    )
  })

  test('a long line is cut around the column, with ellipses where it was cut', () => {
    const line = `${'a'.repeat(100)}<bad>${'b'.repeat(100)}`
    const shown = excerpt(line, 102, 3)
    expect(shown.startsWith('…aaaa')).toBe(true)
    expect(shown).toContain('&lt;<mark>bad</mark>&gt;bbb')
    expect(shown.endsWith('b…')).toBe(true)
    // 80 characters of the line, escaped, plus the two ellipses
    expect(shown.replace(/<\/?mark>/g, '').replace(/&lt;|&gt;/g, '<')).toHaveLength(82)
  })

  test('a size of 0 marks nothing; a column past the end shows the end of the line', () => {
    expect(excerpt('abc', 2, 0)).toBe('abc')
    expect(excerpt('abc', 99, 4)).toBe('abc')
  })
})

test('pageLines counts \\n, \\r\\n and \\r as line ends', () => {
  expect(pageLines('a\nb\r\nc\rd')).toEqual(['a', 'b', 'c', 'd'])
})

describe('renderReport', () => {
  const page = '<!doctype html>\n<body>\n<foo title="<script>alert(1)</script>">x</foo>\n</body>'

  test('lists each message with its place, rule, text and excerpt, all escaped', () => {
    const html = renderReport(
      page,
      [
        {
          line: 3,
          column: 2,
          size: 3,
          message: '<foo> is not a valid element name',
          ruleId: 'element-name',
          ruleUrl: 'https://html-validate.org/rules/element-name.html',
          severity: 'error',
        },
        { line: 1, column: 1, message: 'use "uppercase"', severity: 'warning' },
      ],
      100,
    )
    expect(html).toContain('HTML validation: 1 error, 1 warning')
    expect(html).toContain(
      `<li class="${REPORT_CLASS}-message ${REPORT_CLASS}-error"><span class="${REPORT_CLASS}-location">3:2</span> <a class="${REPORT_CLASS}-rule" href="https://html-validate.org/rules/element-name.html">element-name</a> <span class="${REPORT_CLASS}-text">&lt;foo&gt; is not a valid element name</span>`,
    )
    expect(html).toContain(
      `<pre class="${REPORT_CLASS}-excerpt">&lt;<mark>foo</mark> title=&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;x&lt;/foo&gt;</pre>`,
    )
    expect(html).toContain(`${REPORT_CLASS}-warning`)
    expect(html).toContain('use &quot;uppercase&quot;')
    // nothing of the page's markup survives unescaped
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<foo')
  })

  test('a rule link that is not http(s) is not a link', () => {
    const html = renderReport(
      page,
      [{ line: 1, column: 1, message: 'm', ruleId: 'r', ruleUrl: 'javascript:alert(1)' }],
      10,
    )
    expect(html).not.toContain('javascript:')
    expect(html).toContain(`<span class="${REPORT_CLASS}-rule">r</span>`)
  })

  test('an unknown place shows as ?, without an excerpt', () => {
    const html = renderReport(page, [{ line: 0, column: 0, message: 'somewhere' }], 10)
    expect(html).toContain('>?:?</span>')
    expect(html).not.toContain(`${REPORT_CLASS}-excerpt`)
  })

  test('a line past the end of the page has no excerpt', () => {
    expect(renderReport(page, [{ line: 99, column: 1, message: 'm' }], 10)).not.toContain('excerpt')
  })

  test('lists at most max messages and counts the rest', () => {
    const messages = Array.from({ length: 5 }, (_, i) => ({ line: 1, column: 1, message: `m${i}` }))
    const html = renderReport(page, messages, 2)
    expect(html.match(/<li /g)).toHaveLength(2)
    expect(html).toContain('and 3 more not shown')
    expect(html).toContain('5 errors, 0 warnings')
  })
})
